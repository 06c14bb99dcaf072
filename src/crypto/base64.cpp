#include "rosenpass/crypto/base64.h"

#include <sodium.h>

#include "rosenpass/crypto/secure_memory.h"
#include "sodium_init.h"

namespace rosenpass::crypto {
namespace {

// libsodium's decoder is constant-time in the data, which matters for secret key files.
// Its "ignore" set is empty, so whitespace and anything else outside the alphabet is refused.
// 1 if lo <= c <= hi, without a data-dependent branch (c in 0..255).
int in_range(int c, int lo, int hi) {
  return ((lo - 1 - c) & (c - hi - 1)) >> 8 & 1;
}

// libsodium 1.0.18 maps some bytes >= 0x80 to alphabet values (found by tests/fuzz/fuzz_base64:
// "\xaf\xae\xc2\xbc" decoded to 3 bytes), so the alphabet is checked here first, over the
// whole text and without branching on its bytes.
bool only_alphabet(std::string_view text) {
  int bad = 0;
  for (char ch : text) {
    const int c = static_cast<unsigned char>(ch);
    const int ok = in_range(c, 'A', 'Z') | in_range(c, 'a', 'z') | in_range(c, '0', '9') |
                   in_range(c, '+', '+') | in_range(c, '/', '/') | in_range(c, '=', '=');
    bad |= ok ^ 1;
  }
  return bad == 0;
}

bool decode(std::string_view text, std::span<uint8_t> out, std::size_t& written) {
  ensure_sodium();
  written = 0;
  if (text.empty()) return true;  // libsodium's pointers must not be null, and "" is valid
  if (text.size() % 4 != 0 || !only_alphabet(text)) return false;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  return end == text.data() + text.size();
}

}  // namespace

std::string base64_encode(std::span<const uint8_t> data) {
  ensure_sodium();
  if (data.empty()) return {};
  const std::size_t len = sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(len, '\0');
  sodium_bin2base64(out.data(), len, data.data(), data.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(len - 1);  // drop the terminating NUL
  return out;
}

std::optional<std::vector<uint8_t>> base64_decode(std::string_view text) {
  std::vector<uint8_t> out(text.size() / 4 * 3);
  std::size_t written = 0;
  if (!decode(text, out, written)) return std::nullopt;
  out.resize(written);
  return out;
}

bool base64_decode_into(std::string_view text, std::span<uint8_t> out) {
  std::size_t written = 0;
  // Exactly the text length that encodes out.size() bytes; anything else cannot match.
  if (text.size() != (out.size() + 2) / 3 * 4 || !decode(text, out, written) ||
      written != out.size()) {
    wipe(out);
    return false;
  }
  return true;
}

}  // namespace rosenpass::crypto
