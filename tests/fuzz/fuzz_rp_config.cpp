// libFuzzer target: the `rp exchange-config` TOML file (rp/config.cpp), bounds included.
#include <string_view>

#include "rosenpass/rp/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)rosenpass::rp::parse_exchange_config(text);
  return 0;
}
