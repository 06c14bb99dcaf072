#include "rosenpass/daemon/logging.h"

#include "rosenpass/base/io.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace rosenpass::daemon {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kError};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kWarn:
      return "WARN ";
    case LogLevel::kInfo:
      return "INFO ";
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kTrace:
      return "TRACE";
    default:
      return "";
  }
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view s) {
  std::string l = lower(s);
  if (l == "off") return LogLevel::kOff;
  if (l == "error") return LogLevel::kError;
  if (l == "warn") return LogLevel::kWarn;
  if (l == "info") return LogLevel::kInfo;
  if (l == "debug") return LogLevel::kDebug;
  if (l == "trace") return LogLevel::kTrace;
  return std::nullopt;
}

LogLevel level_from_rust_log(std::string_view filter) {
  std::optional<LogLevel> global, ours;
  std::size_t start = 0;
  while (start <= filter.size()) {
    std::size_t comma = filter.find(',', start);
    std::string_view d =
        filter.substr(start, comma == std::string_view::npos ? filter.npos : comma - start);
    // A "/regex" suffix filters messages; it does not change the level.
    if (auto slash = d.find('/'); slash != d.npos) d = d.substr(0, slash);
    if (auto eq = d.find('='); eq != d.npos) {
      std::string_view target = d.substr(0, eq);
      if (target == "rosenpass" || target.rfind("rosenpass::", 0) == 0) {
        if (auto l = parse_log_level(d.substr(eq + 1))) ours = l;
      }
    } else if (auto l = parse_log_level(d)) {
      global = l;
    } else if (d == "rosenpass") {
      ours = LogLevel::kTrace;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return ours.value_or(global.value_or(LogLevel::kError));
}

void set_log_level(LogLevel level) {
  g_level = level;
}
LogLevel log_level() {
  return g_level;
}
bool log_enabled(LogLevel level) {
  return level != LogLevel::kOff && static_cast<int>(level) <= static_cast<int>(g_level.load());
}

void log(LogLevel level, std::string_view message) {
  if (!log_enabled(level)) return;
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string line = std::string("[") + ts + " " + level_name(level) + " rosenpass] ";
  line += message;
  line += '\n';
  // One write per record so records from the signal path and the loop never interleave.
  (void)base::write_all(STDERR_FILENO, std::span(line.data(), line.size()));  // nowhere to report
}

}  // namespace rosenpass::daemon
