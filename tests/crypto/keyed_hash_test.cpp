#include "rosenpass/crypto/keyed_hash.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <random>
#include <vector>

#include "test_util.h"

namespace rosenpass::crypto {
namespace {

using test::hex;

// RFC 7693 Appendix A: BLAKE2b-512("abc"), the primitive under the V02 keyed hash.
TEST(Blake2b, Rfc7693Abc) {
  std::array<uint8_t, 64> out;
  const uint8_t abc[] = {'a', 'b', 'c'};
  ASSERT_EQ(sodium_init() >= 0, true);
  crypto_generichash_blake2b(out.data(), out.size(), abc, sizeof abc, nullptr, 0);
  EXPECT_EQ(hex(out),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252"
            "d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
}

// The known answers documented by the reference for hash(0^32, 0xFF^32) (protocol.md §2.1).
TEST(KeyedHash, ReferenceKnownAnswers) {
  std::array<uint8_t, 32> key{};
  std::vector<uint8_t> data(32, 0xff);
  EXPECT_EQ(hex(keyed_hash(HashChoice::kShake256, key, data)),
            "ae042fbc01e4b3f6432bff5e9b0bbba1266ed917043eac1edabbf950ab1591ee");
  EXPECT_EQ(hex(keyed_hash(HashChoice::kBlake2b, key, data)),
            "0598878d976a9308dc5f26421d210368fa7283771b383b2c0b43e67170145067");
}

// The V02 construction from its definition: B(k^0x5c, B(k^0x36, m)) with keyed BLAKE2b-256.
TEST(KeyedHash, Blake2bIsIncorrectHmac) {
  std::mt19937_64 gen(1);
  for (std::size_t len : {0u, 1u, 127u, 128u, 129u, 5000u}) {
    std::array<uint8_t, 32> key, ik, ok, inner, want;
    for (auto& b : key) b = static_cast<uint8_t>(gen());
    std::vector<uint8_t> data(len);
    for (auto& b : data) b = static_cast<uint8_t>(gen());
    for (int i = 0; i < 32; ++i) {
      ik[i] = key[i] ^ 0x36;
      ok[i] = key[i] ^ 0x5c;
    }
    crypto_generichash_blake2b(inner.data(), 32, data.data(), data.size(), ik.data(), 32);
    crypto_generichash_blake2b(want.data(), 32, inner.data(), 32, ok.data(), 32);
    EXPECT_EQ(hex(keyed_hash(HashChoice::kBlake2b, key, data)), hex(want)) << len;
  }
}

// keyed_hash_batch (4-lane BLAKE2b under V02) gives exactly what keyed_hash gives, job by job:
// lengths around the block size and a public key's, 1 to 6 jobs (one lane group, a partial
// one, two groups), mixed lengths in one batch, both hashes.
TEST(KeyedHash, BatchEqualsOneByOne) {
  std::mt19937_64 gen(3);
  for (auto choice : {HashChoice::kBlake2b, HashChoice::kShake256}) {
    for (std::size_t len : {0u, 1u, 127u, 128u, 129u, 255u, 256u, 1000u, 524160u}) {
      for (std::size_t count = 1; count <= 6; ++count) {
        std::vector<std::vector<uint8_t>> data(count);
        std::vector<std::array<uint8_t, 32>> keys(count), got(count);
        for (std::size_t j = 0; j < count; ++j) {
          // Job 4 has another length: it must not share a pass with the others.
          data[j].resize(j == 4 ? len + 3 : len);
          for (auto& b : data[j]) b = static_cast<uint8_t>(gen());
          for (auto& b : keys[j]) b = static_cast<uint8_t>(gen());
        }
        std::vector<KeyedHashJob> jobs;
        for (std::size_t j = 0; j < count; ++j) jobs.push_back({keys[j], data[j], got[j]});
        keyed_hash_batch(choice, jobs);
        for (std::size_t j = 0; j < count; ++j) {
          EXPECT_EQ(hex(got[j]), hex(keyed_hash(choice, keys[j], data[j])))
              << "len " << len << " count " << count << " job " << j;
        }
      }
    }
  }
}

TEST(KeyedHash, StreamingEqualsOneShot) {
  std::mt19937_64 gen(2);
  std::vector<uint8_t> data(524160);
  for (auto& b : data) b = static_cast<uint8_t>(gen());
  std::array<uint8_t, 32> key;
  for (auto& b : key) b = static_cast<uint8_t>(gen());
  for (auto choice : {HashChoice::kBlake2b, HashChoice::kShake256}) {
    auto whole = keyed_hash(choice, key, data);
    KeyedHash h(choice, key);
    std::size_t pos = 0;
    while (pos < data.size()) {
      std::size_t take = std::min<std::size_t>(1 + gen() % 70000, data.size() - pos);
      h.update(std::span<const uint8_t>(data).subspan(pos, take));
      pos += take;
    }
    std::array<uint8_t, 32> pieces;
    h.finish(pieces);
    EXPECT_EQ(whole, pieces);
    // Key and choice both matter.
    key[0] ^= 1;
    EXPECT_NE(keyed_hash(choice, key, data), whole);
    key[0] ^= 1;
  }
  EXPECT_NE(keyed_hash(HashChoice::kBlake2b, key, data),
            keyed_hash(HashChoice::kShake256, key, data));
}

}  // namespace
}  // namespace rosenpass::crypto
