#include "rosenpass/wireguard/wg_key.h"

#include <sodium.h>

#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::wireguard {
namespace {

std::string_view strip_one_line_ending(std::string_view text) {
  if (text.ends_with("\r\n")) return text.substr(0, text.size() - 2);
  if (text.ends_with('\n') || text.ends_with('\r')) return text.substr(0, text.size() - 1);
  return text;
}

// Decodes into `out`; false unless the text is exactly 44 characters of padded base64 of 32 bytes.
bool decode_key(std::string_view text, std::span<uint8_t, 32> out) {
  text = strip_one_line_ending(text);
  if (text.size() != 44) return false;
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  return len == 32 && end == text.data() + text.size();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string wg_key_to_base64(std::span<const uint8_t, 32> key) {
  char buf[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(buf, sizeof buf, key.data(), key.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(buf);
  crypto::wipe(buf);
  return out;
}

std::optional<WgPublicKey> wg_public_key_from_base64(std::string_view text) {
  WgPublicKey key{};
  if (!decode_key(text, key)) return std::nullopt;
  return key;
}

std::optional<WgSecretKey> wg_secret_key_from_base64(std::string_view text) {
  WgSecretKey key;
  if (!decode_key(text, key.reveal_mut())) return std::nullopt;
  return key;
}

WgPublicKey wg_public_key_of(const WgSecretKey& secret) {
  WgPublicKey pub{};
  // libsodium clamps the scalar itself, exactly as `wg pubkey` does.
  crypto_scalarmult_curve25519_base(pub.data(), secret.reveal().data());
  return pub;
}

void wg_key_to_hex(std::span<const uint8_t, 32> key, std::span<char, 64> out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < 32; ++i) {
    out[2 * i] = kDigits[key[i] >> 4];
    out[2 * i + 1] = kDigits[key[i] & 15];
  }
}

std::optional<WgPublicKey> wg_public_key_from_hex(std::string_view text) {
  if (text.size() != 64) return std::nullopt;
  WgPublicKey key{};
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = hex_value(text[2 * i]);
    int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    key[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return key;
}

}  // namespace rosenpass::wireguard
