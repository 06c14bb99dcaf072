// Limits checked on TOML text before it reaches the TOML library (issue 18): the library
// recurses once per dotted-key component and per nesting level, so a 50,000-component key
// overflows the stack. Our configuration files are a few kilobytes with keys of one or two
// components; the limits leave ample room for hand-written files.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rosenpass::hardening {

struct TomlLimits {
  std::size_t max_bytes = 1 << 20;        // whole file, bytes
  std::size_t max_key_components = 32;    // a.b.c = 3 components, in keys and [headers]
  std::size_t max_nesting = 32;           // open [ and { (arrays, inline tables, headers)
};

// nullopt if `text` is within `limits`; otherwise the problem, with its line number
// ("line 3: a dotted key or table header has more than 32 components"). The scan knows
// TOML's strings and comments, so brackets and dots inside them do not count.
std::optional<std::string> check_toml_bounds(std::string_view text, const TomlLimits& limits = {});

}  // namespace rosenpass::hardening
