// libFuzzer target: the `rp` command line, `rp exchange` word grammar included (rp/cli.cpp),
// words separated by NUL bytes.
#include "fuzz_util.h"
#include "rosenpass/rp/cli.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  auto words = rosenpass::fuzz::split_words(data, size);
  (void)rosenpass::rp::parse_command_line(words);
  return 0;
}
