// Paths and strings printed the way the reference's `{:?}` formatting prints them; scripts
// parse these (e.g. the key-file path on the stdout notification line).
#pragma once

#include <string>
#include <string_view>

namespace rosenpass::daemon {

// Wraps `s` in double quotes, escaping `"` and `\`, control and invisible characters as
// \0 \t \r \n or \u{..}, and invalid UTF-8 bytes as \xNN.
std::string debug_quote(std::string_view s);

}  // namespace rosenpass::daemon
