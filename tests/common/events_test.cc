#include "common/events.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "common/secrets.h"

namespace kiln {
namespace {

// Captures what a sink writes through a memory stream.
class MemoryStream {
 public:
  MemoryStream() : stream_(open_memstream(&buffer_, &size_)) {}
  ~MemoryStream() {
    std::fclose(stream_);
    std::free(buffer_);
  }
  std::FILE* get() { return stream_; }
  std::string text() {
    std::fflush(stream_);
    return std::string(buffer_, size_);
  }

 private:
  char* buffer_ = nullptr;
  size_t size_ = 0;
  std::FILE* stream_;
};

TEST(EventsTest, ConsoleSinkFiltersByLevelAndQuiet) {
  MemoryStream out;
  Emitter emitter;
  emitter.add_sink(std::make_shared<ConsoleSink>(out.get(), Level::Info, false, false));
  emitter.debug("D1", "hidden debug");
  emitter.info("I1", "shown info");
  std::string text = out.text();
  EXPECT_EQ(text.find("hidden debug"), std::string::npos);
  EXPECT_NE(text.find("  shown info\n"), std::string::npos);

  MemoryStream quiet;
  Emitter quiet_emitter;
  quiet_emitter.add_sink(std::make_shared<ConsoleSink>(quiet.get(), Level::Debug, false, true));
  quiet_emitter.warn("W1", "a warning");
  quiet_emitter.error("E1", "an error");
  EXPECT_EQ(quiet.text().find("a warning"), std::string::npos);
  EXPECT_NE(quiet.text().find("an error"), std::string::npos);
}

TEST(EventsTest, JsonSinkWritesOneObjectPerLineWithFields) {
  MemoryStream out;
  Emitter emitter;
  emitter.add_sink(std::make_shared<JsonSink>(out.get(), Level::Debug, false));
  Event event;
  event.code = "Q011";
  event.message = "line \"one\"\nline two";
  event.fields = {{"node", "model.shop.orders"}};
  emitter.emit(event);
  std::string text = out.text();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_NE(text.find(R"("code":"Q011")"), std::string::npos);
  EXPECT_NE(text.find(R"("msg":"line \"one\"\nline two")"), std::string::npos);
  EXPECT_NE(text.find(R"("data":{"node":"model.shop.orders"})"), std::string::npos);
}

TEST(EventsTest, SecretsAreMaskedBeforeAnySink) {
  clear_secrets();
  register_secret("p@ssw0rd!");
  MemoryStream out;
  Emitter emitter;
  emitter.add_sink(std::make_shared<JsonSink>(out.get(), Level::Debug, false));
  Event event;
  event.message = "connect with p@ssw0rd!";
  event.fields = {{"dsn", "user:p@ssw0rd!@host"}};
  emitter.emit(event);
  EXPECT_EQ(out.text().find("p@ssw0rd!"), std::string::npos);
  EXPECT_NE(out.text().find("connect with *****"), std::string::npos);
  clear_secrets();
}

TEST(EventsTest, ParseLevel) {
  Level level;
  EXPECT_TRUE(parse_level("warning", level));
  EXPECT_EQ(level, Level::Warn);
  EXPECT_FALSE(parse_level("loud", level));
}

}  // namespace
}  // namespace kiln
