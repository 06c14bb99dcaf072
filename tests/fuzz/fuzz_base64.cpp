// libFuzzer target: strict base64 (crypto/base64.cpp). Properties: what decodes re-encodes to
// the same text (one encoding per value), decode_into agrees with decode, and encode/decode
// round-trips the raw input.
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "rosenpass/crypto/base64.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace rosenpass;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto decoded = crypto::base64_decode(text);
  if (decoded) {
    fuzz::check(crypto::base64_encode(*decoded) == text, "decode then encode changed the text");
    std::vector<uint8_t> into(decoded->size());
    fuzz::check(crypto::base64_decode_into(text, into) && into == *decoded,
                "decode_into disagrees with decode");
  }
  std::vector<uint8_t> fixed(32);
  if (crypto::base64_decode_into(text, fixed)) {
    fuzz::check(decoded && decoded->size() == 32, "decode_into accepted what decode refused");
  }
  auto encoded = crypto::base64_encode(std::span(data, size));
  auto back = crypto::base64_decode(encoded);
  fuzz::check(back && *back == std::vector<uint8_t>(data, data + size), "round trip");
  return 0;
}
