// `rp exchange-config FILE` (application.md §6.4): the TOML form of `rp exchange`'s options.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "rosenpass/base/result.h"
#include "rosenpass/rp/cli.h"

namespace rosenpass::rp {

// Parses the TOML text; unknown keys and wrong types are errors naming the key.
base::Result<ExchangeOptions> parse_exchange_config(std::string_view toml_text);
// Reads and parses FILE; errors name it.
base::Result<ExchangeOptions> load_exchange_config(const std::string& path);

}  // namespace rosenpass::rp
