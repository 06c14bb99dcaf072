#include "rosenpass/wireguard/wg_key.h"

#include <gtest/gtest.h>

#include "../crypto/test_util.h"

namespace rosenpass::wireguard {
namespace {

using test::hex;
using test::unhex;

TEST(WgKey, Base64RoundTripAndStrictness) {
  WgPublicKey k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(i * 7 + 3);
  std::string b64 = wg_key_to_base64(k);
  ASSERT_EQ(b64.size(), 44u);
  EXPECT_EQ(wg_public_key_from_base64(b64), k);
  EXPECT_EQ(wg_public_key_from_base64(b64 + "\n"), k);
  EXPECT_EQ(wg_public_key_from_base64(b64 + "\r\n"), k);
  EXPECT_FALSE(wg_public_key_from_base64(b64 + "\n\n"));
  EXPECT_FALSE(wg_public_key_from_base64(b64 + " "));
  EXPECT_FALSE(wg_public_key_from_base64(b64.substr(0, 43)));
  EXPECT_FALSE(wg_public_key_from_base64("peer"));  // the reference zero-pads this; we refuse
  EXPECT_FALSE(wg_public_key_from_base64(""));
  std::string url = b64;
  for (char& c : url) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  if (url != b64) {
    EXPECT_FALSE(wg_public_key_from_base64(url));
  }
}

// RFC 7748 §6.1: Alice's private key and X25519 public key.
TEST(WgKey, PublicKeyOfMatchesRfc7748) {
  auto sk_bytes = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  auto sk = WgSecretKey::from(std::span<const uint8_t, 32>(sk_bytes.data(), 32));
  EXPECT_EQ(hex(wg_public_key_of(sk)),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
}

TEST(WgKey, HexRoundTrip) {
  WgPublicKey k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(255 - i);
  std::array<char, 64> h{};
  wg_key_to_hex(k, h);
  std::string s(h.begin(), h.end());
  EXPECT_EQ(s, hex(k));
  EXPECT_EQ(wg_public_key_from_hex(s), k);
  EXPECT_FALSE(wg_public_key_from_hex(s.substr(1)));
  s[5] = 'g';
  EXPECT_FALSE(wg_public_key_from_hex(s));
}

}  // namespace
}  // namespace rosenpass::wireguard
