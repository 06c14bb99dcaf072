#include "rosenpass/crypto/keccak.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>
#include <string>
#include <vector>

#include "test_util.h"

namespace rosenpass::crypto {
namespace {

using test::hex;

std::vector<uint8_t> openssl_digest(const EVP_MD* md, std::span<const uint8_t> in,
                                    std::size_t outlen) {
  std::vector<uint8_t> out(outlen);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_EQ(EVP_DigestInit_ex(ctx, md, nullptr), 1);
  EXPECT_EQ(EVP_DigestUpdate(ctx, in.data(), in.size()), 1);
  if (EVP_MD_flags(md) & EVP_MD_FLAG_XOF) {
    EXPECT_EQ(EVP_DigestFinalXOF(ctx, out.data(), outlen), 1);
  } else {
    unsigned int n = 0;
    EXPECT_EQ(EVP_DigestFinal_ex(ctx, out.data(), &n), 1);
    out.resize(n);
  }
  EVP_MD_CTX_free(ctx);
  return out;
}

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// FIPS 202 examples (NIST CSRC "example values") for the empty and "abc" messages.
TEST(Keccak, Fips202KnownAnswers) {
  EXPECT_EQ(hex(sha3_256(bytes_of(""))),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
  EXPECT_EQ(hex(sha3_256(bytes_of("abc"))),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
  EXPECT_EQ(hex(sha3_512(bytes_of("abc"))),
            "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec5"
            "7647e3934057340b4cf408d5a56592f8274eec53f0");
  std::array<uint8_t, 32> out;
  shake128(out, bytes_of(""));
  EXPECT_EQ(hex(out), "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
  shake256(out, bytes_of(""));
  EXPECT_EQ(hex(out), "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f");
}

// Differential against OpenSSL's EVP for every input length 0..2000 and for one public key.
TEST(Keccak, MatchesOpenSslForEveryLength) {
  std::mt19937_64 gen(20261122);
  std::vector<uint8_t> buf(524160);
  for (auto& b : buf) b = static_cast<uint8_t>(gen());
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 2000; ++n) lengths.push_back(n);
  lengths.push_back(524160);
  for (std::size_t n : lengths) {
    std::span<const uint8_t> in(buf.data(), n);
    auto a = sha3_256(in);
    ASSERT_EQ(std::vector<uint8_t>(a.begin(), a.end()), openssl_digest(EVP_sha3_256(), in, 32))
        << n;
    auto b = sha3_512(in);
    ASSERT_EQ(std::vector<uint8_t>(b.begin(), b.end()), openssl_digest(EVP_sha3_512(), in, 64))
        << n;
    std::size_t outlen = 1 + n % 400;  // squeeze across block boundaries too
    std::vector<uint8_t> s128(outlen), s256(outlen);
    shake128(s128, in);
    shake256(s256, in);
    ASSERT_EQ(s128, openssl_digest(EVP_shake128(), in, outlen)) << n;
    ASSERT_EQ(s256, openssl_digest(EVP_shake256(), in, outlen)) << n;
  }
}

// Absorbing and squeezing in pieces gives the same bytes as doing it at once.
TEST(Keccak, IncrementalMatchesOneShot) {
  std::mt19937_64 gen(7);
  std::vector<uint8_t> buf(3000);
  for (auto& b : buf) b = static_cast<uint8_t>(gen());
  std::vector<uint8_t> whole(700), pieces(700);
  shake256(whole, buf);
  for (int trial = 0; trial < 50; ++trial) {
    Shake256 h;
    std::size_t pos = 0;
    while (pos < buf.size()) {
      std::size_t take = std::min<std::size_t>(gen() % 300, buf.size() - pos);
      h.absorb(std::span<const uint8_t>(buf).subspan(pos, take));
      pos += take;
    }
    pos = 0;
    while (pos < pieces.size()) {
      std::size_t take = std::min<std::size_t>(1 + gen() % 200, pieces.size() - pos);
      h.squeeze(std::span<uint8_t>(pieces).subspan(pos, take));
      pos += take;
    }
    ASSERT_EQ(whole, pieces) << trial;
  }
}

}  // namespace
}  // namespace rosenpass::crypto
