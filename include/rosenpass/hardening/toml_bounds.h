// Limits checked on TOML text before it reaches the TOML library (issue 18): the library
// recurses once per dotted-key component and per nesting level, so a 50,000-component key
// overflows the stack. Our configuration files are a few kilobytes with keys of one or two
// components; the limits leave ample room for hand-written files.
#pragma once

#include <cstddef>
#include <string_view>

#include "rosenpass/base/result.h"

namespace rosenpass::hardening {

struct TomlLimits {
  // Whole file, bytes. 10,000 peers (issue 12) with long key paths take ~1.1 MB (~110 bytes
  // a peer, more with WireGuard fields): 16 MiB bounds memory and leaves room for that.
  std::size_t max_bytes = 16u << 20;
  std::size_t max_key_components = 32;    // a.b.c = 3 components, in keys and [headers]
  std::size_t max_nesting = 32;           // open [ and { (arrays, inline tables, headers)
};

// Ok if `text` is within `limits`; otherwise an error naming the problem and its line
// ("line 3: a dotted key or table header has more than 32 components"). The scan knows
// TOML's strings and comments, so brackets and dots inside them do not count.
base::Status check_toml_bounds(std::string_view text, const TomlLimits& limits = {});

}  // namespace rosenpass::hardening
