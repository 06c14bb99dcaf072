// The free-form word grammar of `rosenpass exchange` (application.md §1.4), quirks included
// except the PSK/endpoint mix-up, which is fixed as the spec recommends.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "rosenpass/daemon/config.h"
#include "rosenpass/daemon/result.h"

namespace rosenpass::daemon {

// Builds a Config from the words after `exchange`. `listen` values are resolved here (DNS).
// Deprecation notices go to config.warnings.
Result<Config> parse_exchange_words(std::span<const std::string> words);

}  // namespace rosenpass::daemon
