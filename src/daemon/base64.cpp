#include "rosenpass/daemon/base64.h"

#include <array>

#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::daemon {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Maps a character to its 6-bit value, or -1. A table lookup on key characters would index
// memory by secret data; computing the value arithmetically keeps PSK decoding branch- and
// index-free per character.
int sextet(unsigned char c) {
  int v = -1;
  int ci = c;
  v += ((('A' - 1 - ci) & (ci - ('Z' + 1))) >> 8) & (ci - 'A' + 1);
  v += ((('a' - 1 - ci) & (ci - ('z' + 1))) >> 8) & (ci - 'a' + 27);
  v += ((('0' - 1 - ci) & (ci - ('9' + 1))) >> 8) & (ci - '0' + 53);
  v += ((('+' - 1 - ci) & (ci - ('+' + 1))) >> 8) & 63;
  v += ((('/' - 1 - ci) & (ci - ('/' + 1))) >> 8) & 64;
  return v;
}

char encode_sextet(unsigned v) {
  // Same reasoning as sextet(): no table indexed by key bits.
  int i = static_cast<int>(v);
  int c = i + 'A';
  c += ((25 - i) >> 8) & ('a' - 'A' - 26);
  c += ((51 - i) >> 8) & ('0' - 'a' + 26);
  c += ((61 - i) >> 8) & ('+' - '0' - 10);
  c += ((62 - i) >> 8) & ('/' - '+' - 1);
  return static_cast<char>(c);
}

}  // namespace

std::string base64_encode(std::span<const uint8_t> bytes) {
  static_assert(sizeof(kAlphabet) == 65);
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned n = (unsigned{bytes[i]} << 16) | (unsigned{bytes[i + 1]} << 8) | bytes[i + 2];
    out += encode_sextet((n >> 18) & 63);
    out += encode_sextet((n >> 12) & 63);
    out += encode_sextet((n >> 6) & 63);
    out += encode_sextet(n & 63);
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned n = unsigned{bytes[i]} << 16;
    if (rest == 2) n |= unsigned{bytes[i + 1]} << 8;
    out += encode_sextet((n >> 18) & 63);
    out += encode_sextet((n >> 12) & 63);
    out += rest == 2 ? encode_sextet((n >> 6) & 63) : '=';
    out += '=';
  }
  return out;
}

bool base64_decode_exact(std::string_view text, std::span<uint8_t> out) {
  const std::size_t want_chars = (out.size() + 2) / 3 * 4;
  const std::size_t pad = (3 - out.size() % 3) % 3;
  auto fail = [&] {
    crypto::secure_zero(out.data(), out.size());
    return false;
  };
  if (text.size() != want_chars) return fail();
  for (std::size_t k = 0; k < pad; ++k) {
    if (text[want_chars - 1 - k] != '=') return fail();
  }
  int bad = 0;
  std::size_t o = 0;
  for (std::size_t i = 0; i < want_chars; i += 4) {
    std::array<int, 4> v{};
    for (std::size_t k = 0; k < 4; ++k) {
      bool is_pad = i + k >= want_chars - pad;
      v[k] = is_pad ? 0 : sextet(static_cast<unsigned char>(text[i + k]));
      bad |= v[k];  // negative (bit 31 set) iff invalid
    }
    unsigned n = (unsigned(v[0] & 63) << 18) | (unsigned(v[1] & 63) << 12) |
                 (unsigned(v[2] & 63) << 6) | unsigned(v[3] & 63);
    uint8_t b[3] = {uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)};
    for (int k = 0; k < 3 && o < out.size(); ++k) out[o++] = b[k];
    if (i + 4 == want_chars) {
      // Non-canonical encodings (bits set beyond the data) are rejected, as the reference does.
      if (pad == 1) bad |= -int((n & 0xff) != 0);
      if (pad == 2) bad |= -int((n & 0xffff) != 0);
    }
  }
  if (bad < 0) return fail();
  return true;
}

}  // namespace rosenpass::daemon
