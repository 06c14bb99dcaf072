// Log records on stderr as `[<UTC RFC 3339> <LEVEL> rosenpass] message` (application.md §4.8).
// Never pass secrets to these functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rosenpass::daemon {

enum class LogLevel { kOff = 0, kError, kWarn, kInfo, kDebug, kTrace };

std::optional<LogLevel> parse_log_level(std::string_view s);  // case-insensitive
// The level for the `rosenpass` target from an env_logger filter such as
// "info" or "rosenpass=debug,other=trace"; error when empty or unusable.
LogLevel level_from_rust_log(std::string_view filter);

void set_log_level(LogLevel level);
LogLevel log_level();
bool log_enabled(LogLevel level);
void log(LogLevel level, std::string_view message);

inline void log_error(std::string_view m) {
  log(LogLevel::kError, m);
}
inline void log_warn(std::string_view m) {
  log(LogLevel::kWarn, m);
}
inline void log_info(std::string_view m) {
  log(LogLevel::kInfo, m);
}
inline void log_debug(std::string_view m) {
  log(LogLevel::kDebug, m);
}

}  // namespace rosenpass::daemon
