#include "common/events.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "common/error.h"
#include "common/json_writer.h"
#include "common/secrets.h"

namespace kiln {

std::string_view level_name(Level level) {
  switch (level) {
    case Level::Debug:
      return "debug";
    case Level::Info:
      return "info";
    case Level::Warn:
      return "warn";
    case Level::Error:
      return "error";
  }
  return "info";
}

bool parse_level(std::string_view text, Level& level) {
  if (text == "debug")
    level = Level::Debug;
  else if (text == "info")
    level = Level::Info;
  else if (text == "warn" || text == "warning")
    level = Level::Warn;
  else if (text == "error")
    level = Level::Error;
  else if (text == "none")
    level = static_cast<Level>(4);
  else
    return false;
  return true;
}

void Emitter::add_sink(std::shared_ptr<EventSink> sink) {
  std::lock_guard lock(mutex_);
  sinks_.push_back(std::move(sink));
}

void Emitter::clear_sinks() {
  std::lock_guard lock(mutex_);
  for (auto& sink : sinks_) sink->flush();
  sinks_.clear();
}

void Emitter::emit(Event event) {
  event.message = scrub_secrets(event.message);
  if (!event.console_text.empty()) event.console_text = scrub_secrets(event.console_text);
  for (auto& field : event.fields) field.second = scrub_secrets(field.second);
  EventContext context{std::chrono::system_clock::now(), thread_name()};
  std::lock_guard lock(mutex_);
  for (auto& sink : sinks_) sink->write(event, context);
}

void Emitter::emit_simple(Level level, std::string& code, std::string& message) {
  Event event;
  event.level = level;
  event.code = std::move(code);
  event.message = std::move(message);
  emit(std::move(event));
}

void Emitter::status(const std::string& line) {
  std::string scrubbed = scrub_secrets(line);
  std::lock_guard lock(mutex_);
  for (auto& sink : sinks_) sink->status(scrubbed);
}

void Emitter::flush() {
  std::lock_guard lock(mutex_);
  for (auto& sink : sinks_) sink->flush();
}

Emitter& events() {
  static Emitter instance;
  return instance;
}

namespace {
thread_local std::string current_thread_name = "MainThread";

std::tm local_time(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm parts{};
  localtime_r(&seconds, &parts);
  return parts;
}

std::string clock_text(std::chrono::system_clock::time_point time) {
  std::tm parts = local_time(time);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%H:%M:%S", &parts);
  return buffer;
}

std::string json_line(const Event& event, const EventContext& context) {
  std::string out = "{\"info\":{\"code\":";
  append_json_string(out, event.code);
  out += ",\"level\":";
  append_json_string(out, level_name(event.level));
  out += ",\"msg\":";
  append_json_string(out, event.message);
  out += ",\"thread\":";
  append_json_string(out, context.thread_name);
  out += ",\"ts\":";
  append_json_string(out, iso8601_utc(context.time));
  out += "},\"data\":{";
  bool first = true;
  for (const auto& [key, value] : event.fields) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, key);
    out += ':';
    append_json_string(out, value);
  }
  out += "}}\n";
  return out;
}

}  // namespace

std::string iso8601_utc(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count() %
      1000000;
  char buffer[48];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &parts);
  char out[64];
  std::snprintf(out, sizeof out, "%s.%06lldZ", buffer, static_cast<long long>(micros));
  return out;
}

void set_thread_name(std::string name) {
  current_thread_name = std::move(name);
}
const std::string& thread_name() {
  return current_thread_name;
}

std::string colorize(std::string_view text, std::string_view ansi_code, bool enabled) {
  if (!enabled) return std::string(text);
  return "\x1b[" + std::string(ansi_code) + "m" + std::string(text) + "\x1b[0m";
}

ConsoleSink::ConsoleSink(std::FILE* stream, Level min_level, bool use_color, bool quiet,
                         bool live_status)
    : stream_(stream),
      min_level_(min_level),
      use_color_(use_color),
      quiet_(quiet),
      live_status_(live_status && !quiet) {}

void ConsoleSink::erase_status() {
  // Carriage return, then erase to the end of the line (ANSI EL).
  if (!status_.empty()) std::fputs("\r\033[K", stream_);
}

void ConsoleSink::status(const std::string& line) {
  if (!live_status_) return;
  erase_status();
  // One terminal row at most, so the carriage return can always erase it.
  constexpr size_t kMaxWidth = 78;
  status_ = line.size() > kMaxWidth ? line.substr(0, kMaxWidth - 3) + "..." : line;
  if (!status_.empty()) std::fputs(colorize(status_, "2", use_color_).c_str(), stream_);
  std::fflush(stream_);
}

void ConsoleSink::write(const Event& event, const EventContext& context) {
  if (event.level < min_level_ && !event.is_output) return;
  if (quiet_ && event.level < Level::Error && !event.is_output) return;
  erase_status();
  const std::string& text =
      use_color_ && !event.console_text.empty() ? event.console_text : event.message;
  if (event.is_output) {
    std::fputs((text + "\n").c_str(), stream_);
  } else {
    std::string line = clock_text(context.time) + "  ";
    // Multi-line messages keep their shape; only the first line carries the time.
    line += text;
    line += '\n';
    std::fputs(line.c_str(), stream_);
  }
  if (!status_.empty()) std::fputs(colorize(status_, "2", use_color_).c_str(), stream_);
  // Each line leaves at once: a run piped to a file or killed mid-way still shows how far it got.
  std::fflush(stream_);
}

void ConsoleSink::flush() {
  std::fflush(stream_);
}

JsonSink::JsonSink(std::FILE* stream, Level min_level, bool quiet)
    : stream_(stream), min_level_(min_level), quiet_(quiet) {}

void JsonSink::write(const Event& event, const EventContext& context) {
  if (event.level < min_level_ && !event.is_output) return;
  if (quiet_ && event.level < Level::Error && !event.is_output) return;
  std::fputs(json_line(event, context).c_str(), stream_);
  std::fflush(stream_);
}

void JsonSink::flush() {
  std::fflush(stream_);
}

FileSink::FileSink(const std::string& path, bool json) : json_(json) {
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) {
    throw KilnError(ErrorKind::Io, "cannot open log file " + path + ": " + std::strerror(errno), {},
                    "check that the log path is writable, or choose another with --log-path");
  }
}

FileSink::~FileSink() {
  if (file_) std::fclose(file_);
}

void FileSink::write(const Event& event, const EventContext& context) {
  if (json_) {
    std::fputs(json_line(event, context).c_str(), file_);
    return;
  }
  std::tm parts = local_time(context.time);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%H:%M:%S", &parts);
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(context.time.time_since_epoch())
          .count() %
      1000000;
  std::fprintf(file_, "%s.%06lld [%-5s] [%s]: %s\n", stamp, static_cast<long long>(micros),
               std::string(level_name(event.level)).c_str(), context.thread_name.c_str(),
               event.message.c_str());
}

void FileSink::flush() {
  std::fflush(file_);
}

}  // namespace kiln
