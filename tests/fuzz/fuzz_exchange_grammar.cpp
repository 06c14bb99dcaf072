// libFuzzer target: the `rosenpass exchange` word grammar (daemon/exchange_grammar.cpp), words
// separated by NUL bytes. Property: an accepted command line serialises (`exchange -c`) to a
// TOML file that parses again with the same peers.
#include "fuzz_util.h"
#include "rosenpass/daemon/config.h"
#include "rosenpass/daemon/exchange_grammar.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace rosenpass;
  auto words = fuzz::split_words(data, size);
  auto cfg = daemon::parse_exchange_words(words);
  if (!cfg) return 0;
  auto text = daemon::serialize_config(*cfg);
  auto again = daemon::parse_config(text, "exchange-c.toml", std::string("/home/fuzz"));
  fuzz::check(again.ok(), "exchange -c output does not parse");
  fuzz::check(again->peers.size() == cfg->peers.size(), "peer count changed");
  return 0;
}
