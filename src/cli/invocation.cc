#include "cli/invocation.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "cli/commands.h"
#include "common/secrets.h"
#include "context/dbt_context.h"
#include "project/vars.h"

namespace kiln {
namespace {

std::string env_or(const char* primary, const char* alias) {
  for (const char* name : {primary, alias}) {
    if (const char* value = std::getenv(name); value && *value) return value;
  }
  return {};
}

// A random (version 4) UUID, formatted as dbt formats invocation ids.
std::string new_uuid4() {
  std::random_device device;
  std::mt19937_64 generator(
      (static_cast<uint64_t>(device()) << 32) ^ device() ^
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  unsigned char bytes[16];
  for (unsigned char& byte : bytes) byte = static_cast<unsigned char>(generator());
  bytes[6] = (bytes[6] & 0x0F) | 0x40;
  bytes[8] = (bytes[8] & 0x3F) | 0x80;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xF];
  }
  return out;
}

}  // namespace

Invocation::Invocation(GlobalFlags flags) : flags_(std::move(flags)) {
  const char* no_color_env = std::getenv("NO_COLOR");
  use_color_ = !flags_.no_color && !(no_color_env && *no_color_env) && isatty(STDOUT_FILENO) &&
               flags_.log_format == "text";
  register_environment_secrets();
  invocation_id_ = new_uuid4();
}

std::filesystem::path Invocation::project_dir() const {
  std::string dir = flags_.project_dir;
  if (dir.empty()) dir = env_or("DBT_PROJECT_DIR", "KILN_PROJECT_DIR");
  if (dir.empty()) return std::filesystem::current_path();
  return std::filesystem::absolute(dir).lexically_normal();
}

std::optional<std::filesystem::path> Invocation::profiles_dir_flag() const {
  if (flags_.profiles_dir.empty()) return std::nullopt;
  return std::filesystem::absolute(flags_.profiles_dir).lexically_normal();
}

void Invocation::start_console_logging() {
  Level level = Level::Info;
  if (!parse_level(flags_.log_level, level)) {
    throw KilnError(ErrorKind::Usage, "unknown --log-level '" + flags_.log_level + "'", {},
                    "use debug, info, warn, error or none");
  }
  if (flags_.log_format == "json") {
    events().add_sink(std::make_shared<JsonSink>(stdout, level, flags_.quiet));
  } else if (flags_.log_format == "text" || flags_.log_format == "default") {
    // The live progress line is for people watching a terminal, never for pipes and files.
    bool live_status = isatty(fileno(stdout)) != 0 && std::getenv("TERM") != nullptr &&
                       std::string_view(std::getenv("TERM")) != "dumb";
    events().add_sink(
        std::make_shared<ConsoleSink>(stdout, level, use_color_, flags_.quiet, live_status));
  } else {
    throw KilnError(ErrorKind::Usage, "unknown --log-format '" + flags_.log_format + "'", {},
                    "use text or json");
  }
}

std::filesystem::path Invocation::log_dir() const {
  std::string dir = flags_.log_path;
  if (dir.empty()) dir = env_or("DBT_LOG_PATH", "KILN_LOG_PATH");
  if (dir.empty()) dir = project_ ? project_->log_path : "logs";
  std::filesystem::path path(dir);
  return path.is_absolute() ? path : project_dir() / path;
}

std::filesystem::path Invocation::target_dir() const {
  std::string dir = flags_.target_path;
  if (dir.empty()) dir = env_or("DBT_TARGET_PATH", "KILN_TARGET_PATH");
  if (dir.empty()) dir = project_ ? project_->target_path : "target";
  std::filesystem::path path(dir);
  return path.is_absolute() ? path : project_dir() / path;
}

void Invocation::start_file_logging() {
  if (file_logging_) return;
  std::filesystem::path dir = log_dir();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw KilnError(ErrorKind::Io,
                    "cannot create log directory " + dir.string() + ": " + ec.message(), {},
                    "check permissions, or choose another with --log-path");
  }
  events().add_sink(
      std::make_shared<FileSink>((dir / "kiln.log").string(), flags_.log_format == "json"));
  file_logging_ = true;
  events().debug("Z002",
                 "kiln " + std::string(kKilnVersion) + " invoked as: " + flags_.command_line);
}

const Project& Invocation::load_project() {
  if (!project_) {
    ProjectLoadOptions options;
    options.notice = [](const std::string& text) { events().info("Z001", text); };
    options.render = make_config_renderer(cli_vars());
    project_ = kiln::load_project(project_dir(), options);
  }
  return *project_;
}

Target Invocation::load_target() {
  ProfileRequest request;
  request.profiles_dir = profiles_dir_flag();
  request.project_dir = project_dir();
  request.profile_name = flags_.profile.empty() ? load_project().profile_name : flags_.profile;
  request.target_name = flags_.target;
  request.render = make_config_renderer(cli_vars());
  Target target = kiln::load_target(request);
  if (flags_.threads > 0) target.threads = flags_.threads;
  return target;
}

const Data& Invocation::cli_vars() {
  if (!cli_vars_) cli_vars_ = parse_cli_vars(flags_.vars);
  return *cli_vars_;
}

void say(const std::string& code, const std::string& text, const std::string& colored) {
  Event event;
  event.code = code;
  event.message = text;
  event.console_text = colored;
  events().emit(std::move(event));
}

}  // namespace kiln
