#include "rosenpass/crypto/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace rosenpass::crypto {
namespace {

std::vector<uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

// RFC 4648 §10.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, enc] : cases) {
    EXPECT_EQ(base64_encode(bytes_of(plain)), enc);
    auto dec = base64_decode(enc);
    ASSERT_TRUE(dec.has_value()) << enc;
    EXPECT_EQ(*dec, bytes_of(plain));
  }
}

TEST(Base64, RejectsMalformedInput) {
  for (const char* bad : {"Zg", "Zg=", "Zm9", "Z===", "Zm9v\n", " Zm9v", "Zm9v Zg==", "Zm$v",
                          "Zm9-", "Zm9_", "Zh==", "Zm9=Zm9v", "====", "Zm9vYg=", "Zg==Zg=="}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
}

TEST(Base64, DecodeIntoExactSize) {
  std::vector<uint8_t> key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 7);
  std::string text = base64_encode(key);
  EXPECT_EQ(text.size(), 44u);
  std::array<uint8_t, 32> out{};
  ASSERT_TRUE(base64_decode_into(text, out));
  EXPECT_TRUE(std::equal(out.begin(), out.end(), key.begin()));
  std::array<uint8_t, 31> shorter{};
  EXPECT_FALSE(base64_decode_into(text, shorter));
  std::array<uint8_t, 33> longer{};
  EXPECT_FALSE(base64_decode_into(text, longer));
  std::string broken = text;
  broken[5] = '!';
  EXPECT_FALSE(base64_decode_into(broken, out));
  for (uint8_t b : out) EXPECT_EQ(b, 0) << "a failed decode leaves no partial key";
}

}  // namespace
}  // namespace rosenpass::crypto

namespace rosenpass::crypto {
namespace {

// Found by tests/fuzz/fuzz_base64: libsodium 1.0.18 decodes some bytes >= 0x80 as alphabet
// characters, so a key file of non-ASCII junk read as a key.
TEST(Base64, BytesOutsideTheAlphabetAreRefused) {
  EXPECT_FALSE(base64_decode("\xaf\xae\xc2\xbc"));
  std::array<uint8_t, 3> out{};
  EXPECT_FALSE(base64_decode_into("\xaf\xae\xc2\xbc", out));
  for (int c = 0x80; c < 0x100; ++c) {
    for (int pos = 0; pos < 4; ++pos) {
      std::string t = "QUJD";
      t[pos] = static_cast<char>(c);
      EXPECT_FALSE(base64_decode(t)) << "byte " << c << " at " << pos;
    }
  }
  EXPECT_TRUE(base64_decode("QUJD"));
}

}  // namespace
}  // namespace rosenpass::crypto
