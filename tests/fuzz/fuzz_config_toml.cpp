// libFuzzer target: the `rosenpass` TOML configuration (daemon/config.cpp), bounds included.
// Property: a file that parses serialises (`exchange -c`) to text that parses again.
#include <string>

#include "fuzz_util.h"
#include "rosenpass/daemon/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace rosenpass;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto cfg = daemon::parse_config(text, "fuzz.toml", std::string("/home/fuzz"));
  if (!cfg) return 0;
  std::string again = daemon::serialize_config(*cfg);
  auto reparsed = daemon::parse_config(again, "serialized.toml", std::string("/home/fuzz"));
  fuzz::check(reparsed.ok(), "serialize_config output does not parse");
  fuzz::check(reparsed->peers.size() == cfg->peers.size(), "peer count changed");
  return 0;
}
