#include "rosenpass/hardening/toml_bounds.h"

namespace rosenpass::hardening {

base::Status check_toml_bounds(std::string_view text, const TomlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return base::make_error("the file has " + std::to_string(text.size()) +
                            " bytes, more than the limit of " + std::to_string(limits.max_bytes));
  }
  std::size_t line = 1, depth = 0, dots = 0;
  auto at = [&](std::size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
  auto where = [&] { return "line " + std::to_string(line) + ": "; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\n':
        ++line;
        dots = 0;
        break;
      case '#':  // comment to the end of the line
        while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
        break;
      case '"':
      case '\'': {
        // Strings: skip to the closing quote; only basic strings have escapes. A string that
        // never closes ends the scan: the parser reports it.
        const bool multi = at(i, c == '"' ? "\"\"\"" : "'''");
        const std::string_view close = multi ? text.substr(i, 3) : text.substr(i, 1);
        i += close.size();
        while (i < text.size() && !at(i, close)) {
          if (text[i] == '\n') ++line;
          if (c == '"' && text[i] == '\\') ++i;
          ++i;
        }
        if (i >= text.size()) return base::Ok{};
        i += close.size() - 1;
        // """a""""" may end with up to two more quotes inside the string: the parser's job.
        break;
      }
      case '.':
        // Dots between separators: key components (or one in a float or a time).
        if (++dots >= limits.max_key_components) {
          return base::make_error(where() + "a dotted key or table header has more than " +
                                  std::to_string(limits.max_key_components) + " components");
        }
        break;
      case '=':
      case ',':
        dots = 0;
        break;
      case '[':
      case '{':
        if (++depth > limits.max_nesting) {
          return base::make_error(where() +
                                  "arrays, inline tables or table headers are nested more than " +
                                  std::to_string(limits.max_nesting) + " deep");
        }
        if (c == '{') dots = 0;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        if (c == '}') dots = 0;
        break;
      default:
        break;
    }
  }
  return base::Ok{};
}

}  // namespace rosenpass::hardening
