#include "rosenpass/crypto/aead.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace rosenpass::crypto {
namespace {

using test::hex;
using test::unhex;

const std::string kSunscreen =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
    "sunscreen would be it.";

std::vector<uint8_t> key_80_9f() {
  std::vector<uint8_t> k(32);
  for (int i = 0; i < 32; ++i) k[i] = static_cast<uint8_t>(0x80 + i);
  return k;
}

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// RFC 8439 §2.8.2.
TEST(Aead, Rfc8439Vector) {
  auto key = key_80_9f();
  auto nonce = unhex("070000004041424344454647");
  auto ad = unhex("50515253c0c1c2c3c4c5c6c7");
  std::vector<uint8_t> out(kSunscreen.size() + 16);
  aead::seal(out, std::span<const uint8_t, 32>(key), std::span<const uint8_t, 12>(nonce),
             bytes_of(kSunscreen), ad);
  EXPECT_EQ(hex(out),
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb"
            "69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad6"
            "75945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
            "1ae10b594f09e26a7e902ecbd0600691");
  std::vector<uint8_t> back(kSunscreen.size());
  ASSERT_TRUE(aead::open(back, std::span<const uint8_t, 32>(key),
                         std::span<const uint8_t, 12>(nonce), out, ad));
  EXPECT_EQ(std::string(back.begin(), back.end()), kSunscreen);
}

// draft-irtf-cfrg-xchacha-03 §A.3.1.
TEST(XAead, DraftXChachaVector) {
  auto key = key_80_9f();
  auto nonce = unhex("404142434445464748494a4b4c4d4e4f5051525354555657");
  auto ad = unhex("50515253c0c1c2c3c4c5c6c7");
  std::vector<uint8_t> out(kSunscreen.size() + 16);
  xaead::seal(out, std::span<const uint8_t, 32>(key), std::span<const uint8_t, 24>(nonce),
              bytes_of(kSunscreen), ad);
  EXPECT_EQ(hex(out),
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a8"
            "2f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369"
            "488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
            "c0875924c1c7987947deafd8780acf49");
  std::vector<uint8_t> back(kSunscreen.size());
  ASSERT_TRUE(xaead::open(back, std::span<const uint8_t, 32>(key),
                          std::span<const uint8_t, 24>(nonce), out, ad));
  EXPECT_EQ(std::string(back.begin(), back.end()), kSunscreen);
}

// Every kind of tampering fails and leaves no plaintext in the output buffer.
template <std::size_t NonceSize, typename Seal, typename Open>
void check_rejections(Seal seal, Open open) {
  std::vector<uint8_t> key(32, 7), nonce(NonceSize, 9), ad = {1, 2, 3};
  std::vector<uint8_t> pt(64, 0x41), sealed(pt.size() + 16);
  seal(sealed, std::span<const uint8_t, 32>(key), std::span<const uint8_t, NonceSize>(nonce), pt,
       ad);
  auto try_open = [&](std::vector<uint8_t> k, std::vector<uint8_t> n, std::vector<uint8_t> c,
                      std::vector<uint8_t> a) {
    std::vector<uint8_t> out(c.size() >= 16 ? c.size() - 16 : 0, 0xee);
    bool ok =
        open(out, std::span<const uint8_t, 32>(k), std::span<const uint8_t, NonceSize>(n), c, a);
    if (!ok) {
      for (uint8_t b : out) EXPECT_EQ(b, 0) << "plaintext or garbage left behind";
    }
    return ok;
  };
  EXPECT_TRUE(try_open(key, nonce, sealed, ad));
  auto k2 = key;
  k2[31] ^= 1;
  EXPECT_FALSE(try_open(k2, nonce, sealed, ad));
  auto n2 = nonce;
  n2[0] ^= 0x80;
  EXPECT_FALSE(try_open(key, n2, sealed, ad));
  auto a2 = ad;
  a2.push_back(0);
  EXPECT_FALSE(try_open(key, nonce, sealed, a2));
  for (std::size_t i = 0; i < sealed.size(); ++i) {  // every ciphertext and tag byte
    auto c2 = sealed;
    c2[i] ^= 0x01;
    EXPECT_FALSE(try_open(key, nonce, c2, ad)) << i;
  }
  auto truncated = sealed;
  truncated.pop_back();
  EXPECT_FALSE(try_open(key, nonce, truncated, ad));
  EXPECT_FALSE(try_open(key, nonce, std::vector<uint8_t>(10, 0), ad));
}

TEST(Aead, RejectsTampering) {
  check_rejections<12>(aead::seal, aead::open);
}
TEST(XAead, RejectsTampering) {
  check_rejections<24>(xaead::seal, xaead::open);
}

TEST(Aead, InPlaceRoundTrip) {
  std::vector<uint8_t> key(32, 3), nonce(12, 0);
  std::vector<uint8_t> buf(48 + 16);
  for (std::size_t i = 0; i < 48; ++i) buf[i] = static_cast<uint8_t>(i);
  aead::seal(buf, std::span<const uint8_t, 32>(key), std::span<const uint8_t, 12>(nonce),
             std::span<const uint8_t>(buf.data(), 48), {});
  ASSERT_TRUE(aead::open(std::span<uint8_t>(buf.data(), 48), std::span<const uint8_t, 32>(key),
                         std::span<const uint8_t, 12>(nonce), buf, {}));
  for (std::size_t i = 0; i < 48; ++i) EXPECT_EQ(buf[i], i);
}

}  // namespace
}  // namespace rosenpass::crypto
