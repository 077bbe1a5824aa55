#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiln {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3 };

std::string_view level_name(Level level);
// Parses "debug", "info", "warn"/"warning", "error"; returns false for anything else.
bool parse_level(std::string_view text, Level& level);

// One thing that happened. Every user-visible line and every log line is an Event, so the
// console, the log file and JSON logs always agree. `code` is stable across releases (tools
// filter on it); `message` is the human text; `fields` carry the structured data for JSON.
struct Event {
  Level level = Level::Info;
  std::string code;
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;
  // Console styling hint: the text already carries its own colour codes when shown on a TTY.
  std::string console_text;
  // Command output rather than a log line (`kiln ls` results): printed without the time prefix,
  // and shown even with --quiet.
  bool is_output = false;
};

struct EventContext {
  std::chrono::system_clock::time_point time;
  std::string thread_name;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void write(const Event& event, const EventContext& context) = 0;
  virtual void flush() {}
  // A transient progress line (done/total, running nodes), redrawn in place on a terminal and
  // ignored elsewhere; "" removes it.
  virtual void status(const std::string& /*line*/) {}
};

// Routes events to every sink, after masking secrets. Thread-safe: node threads emit concurrently.
class Emitter {
 public:
  void add_sink(std::shared_ptr<EventSink> sink);
  void clear_sinks();
  void emit(Event event);
  void flush();
  void status(const std::string& line);

  void debug(std::string code, std::string message) { emit_simple(Level::Debug, code, message); }
  void info(std::string code, std::string message) { emit_simple(Level::Info, code, message); }
  void warn(std::string code, std::string message) { emit_simple(Level::Warn, code, message); }
  void error(std::string code, std::string message) { emit_simple(Level::Error, code, message); }

 private:
  void emit_simple(Level level, std::string& code, std::string& message);
  std::mutex mutex_;
  std::vector<std::shared_ptr<EventSink>> sinks_;
};

// The process-wide emitter. Before the CLI installs sinks, events go nowhere.
Emitter& events();

// Names the calling thread in log lines ("MainThread", "Thread-1 (worker)", as dbt's logs do).
void set_thread_name(std::string name);
const std::string& thread_name();

// Console output in dbt's text style: "12:31:36  message". Events below `min_level` are dropped;
// `quiet` keeps only errors (dbt's --quiet).
// With `live_status` (a terminal), status lines are drawn below the log and redrawn in place:
// each log line first erases the status line, then draws it again under itself.
class ConsoleSink : public EventSink {
 public:
  ConsoleSink(std::FILE* stream, Level min_level, bool use_color, bool quiet,
              bool live_status = false);
  void write(const Event& event, const EventContext& context) override;
  void flush() override;
  void status(const std::string& line) override;

 private:
  void erase_status();
  std::FILE* stream_;
  Level min_level_;
  bool use_color_;
  bool quiet_;
  bool live_status_;
  std::string status_;  // what the status line shows now, "" when none
};

// One JSON object per line, with dbt's envelope keys (info.name/code/level/msg/ts/thread).
class JsonSink : public EventSink {
 public:
  JsonSink(std::FILE* stream, Level min_level, bool quiet);
  void write(const Event& event, const EventContext& context) override;
  void flush() override;

 private:
  std::FILE* stream_;
  Level min_level_;
  bool quiet_;
};

// The log file (logs/kiln.log): every event at debug level and up, with full timestamps and the
// thread, in text or JSON.
class FileSink : public EventSink {
 public:
  // Throws KilnError (Io) when the file cannot be opened.
  FileSink(const std::string& path, bool json);
  ~FileSink() override;
  void write(const Event& event, const EventContext& context) override;
  void flush() override;

 private:
  std::FILE* file_;
  bool json_;
};

// "2026-11-27T12:31:36.123456Z", as dbt's artifacts and JSON logs write times.
std::string iso8601_utc(std::chrono::system_clock::time_point time);

// Colour helpers for console text; they return the text unchanged when colour is off.
std::string colorize(std::string_view text, std::string_view ansi_code, bool enabled);
inline constexpr std::string_view kGreen = "32";
inline constexpr std::string_view kRed = "31";
inline constexpr std::string_view kYellow = "33";

}  // namespace kiln
