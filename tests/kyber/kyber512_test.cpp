#include "rosenpass/kem/kyber512.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <vector>

#include "../crypto/test_util.h"

namespace rosenpass::kem::kyber512 {
namespace {

using test::hex;

// SHA3-256 and SHAKE256 from OpenSSL: an oracle independent of our Keccak.
std::vector<uint8_t> openssl_hash(const EVP_MD* md, std::span<const uint8_t> a,
                                  std::span<const uint8_t> b, std::size_t outlen) {
  std::vector<uint8_t> out(outlen);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_EQ(EVP_DigestInit_ex(ctx, md, nullptr), 1);
  EXPECT_EQ(EVP_DigestUpdate(ctx, a.data(), a.size()), 1);
  EXPECT_EQ(EVP_DigestUpdate(ctx, b.data(), b.size()), 1);
  if (EVP_MD_flags(md) & EVP_MD_FLAG_XOF) {
    EXPECT_EQ(EVP_DigestFinalXOF(ctx, out.data(), outlen), 1);
  } else {
    unsigned int n = 0;
    EXPECT_EQ(EVP_DigestFinal_ex(ctx, out.data(), &n), 1);
  }
  EVP_MD_CTX_free(ctx);
  return out;
}

std::vector<uint8_t> sha3_256(std::span<const uint8_t> in) {
  return openssl_hash(EVP_sha3_256(), in, {}, 32);
}

// Round 3's implicit-rejection key: SHAKE256(z || H(ct)), z = the last 32 bytes of sk.
std::vector<uint8_t> rejection_key(const SecretKey& sk, std::span<const uint8_t> ct) {
  auto z = sk.reveal().last<32>();
  return openssl_hash(EVP_shake256(), z, sha3_256(ct), 32);
}

// Hands out bytes of a fixed pattern and records the size of every request.
class RecordingRandom final : public crypto::RandomSource {
 public:
  void fill(std::span<uint8_t> out) override {
    requests.push_back(out.size());
    for (auto& b : out) b = next++;
  }
  std::vector<std::size_t> requests;
  uint8_t next = 1;
};

struct Recorded {
  SecretKey eski = SecretKey::from(
      std::span<const uint8_t, kSecretKeySize>(test::vector_file("values/15_eski.bin")));
  std::vector<uint8_t> epki = test::vector_file("values/16_epki.bin");
  std::vector<uint8_t> ecti = test::vector_file("values/35_rhr4_ekem_ct_ecti.bin");
  std::vector<uint8_t> shared = test::vector_file("values/34_rhr4_ekem_shk.bin");
};

TEST(Kyber512, DecapsulatesTheRecordedHandshakeCiphertext) {
  Recorded r;
  ASSERT_EQ(r.ecti.size(), kCiphertextSize);
  ASSERT_EQ(r.shared.size(), kSharedKeySize);
  SharedKey ss;
  decaps(ss, std::span<const uint8_t, kCiphertextSize>(r.ecti), r.eski);
  EXPECT_EQ(hex(ss.reveal()), hex(r.shared));
}

TEST(Kyber512, SecretKeyLayoutIsCpaKeyPublicKeyHashAndZ) {
  Recorded r;
  auto sk = r.eski.reveal();
  EXPECT_EQ(hex(sk.subspan(768, 800)), hex(r.epki));
  EXPECT_EQ(hex(sk.subspan(1568, 32)), hex(sha3_256(r.epki)));

  PublicKey pk;
  SecretKey fresh;
  keypair(pk, fresh, crypto::system_random());
  EXPECT_EQ(hex(fresh.reveal().subspan(768, 800)), hex(pk));
  EXPECT_EQ(hex(fresh.reveal().subspan(1568, 32)), hex(sha3_256(pk)));
}

// Every byte position of the recorded ciphertext, modified, gives the implicit-rejection key.
TEST(Kyber512, ModifiedRecordedCiphertextGivesImplicitRejectionKey) {
  Recorded r;
  for (std::size_t i = 0; i < kCiphertextSize; ++i) {
    Ciphertext ct;
    std::copy(r.ecti.begin(), r.ecti.end(), ct.begin());
    ct[i] ^= static_cast<uint8_t>(1u << (i % 8));
    SharedKey ss;
    decaps(ss, ct, r.eski);
    ASSERT_EQ(hex(ss.reveal()), hex(rejection_key(r.eski, ct))) << "byte " << i;
    ASSERT_NE(hex(ss.reveal()), hex(r.shared)) << "byte " << i;
  }
}

// The same for a fresh key pair, with random non-zero changes, and twice each.
TEST(Kyber512, ModifiedFreshCiphertextGivesRejectionKeyDeterministically) {
  PublicKey pk;
  SecretKey sk;
  keypair(pk, sk, crypto::system_random());
  Ciphertext ct;
  SharedKey real;
  encaps(ct, real, pk, crypto::system_random());

  std::array<uint8_t, kCiphertextSize> flips;
  crypto::system_random().fill(flips);
  for (std::size_t i = 0; i < kCiphertextSize; ++i) {
    Ciphertext bad = ct;
    bad[i] ^= flips[i] == 0 ? 0x80 : flips[i];
    SharedKey first, second;
    decaps(first, bad, sk);
    decaps(second, bad, sk);
    ASSERT_EQ(hex(first.reveal()), hex(second.reveal())) << "byte " << i;
    ASSERT_EQ(hex(first.reveal()), hex(rejection_key(sk, bad))) << "byte " << i;
    ASSERT_FALSE(first.equals(real)) << "byte " << i;
  }
}

TEST(Kyber512, RoundTripsWithRandomKeys) {
  for (int i = 0; i < 200; ++i) {
    PublicKey pk;
    SecretKey sk;
    keypair(pk, sk, crypto::system_random());
    Ciphertext ct;
    SharedKey sent, received;
    encaps(ct, sent, pk, crypto::system_random());
    decaps(received, ct, sk);
    ASSERT_TRUE(sent.equals(received)) << "iteration " << i;
    // The valid key is not the rejection key.
    ASSERT_NE(hex(sent.reveal()), hex(rejection_key(sk, ct)));
  }
}

TEST(Kyber512, DrawsRandomBytesInTheReferenceOrder) {
  RecordingRandom rng;
  PublicKey pk;
  SecretKey sk;
  keypair(pk, sk, rng);
  // d (32 bytes, bytes 1..32), then z (bytes 33..64) which lands at the end of sk.
  ASSERT_EQ(rng.requests, (std::vector<std::size_t>{32, 32}));
  for (std::size_t i = 0; i < 32; ++i) EXPECT_EQ(sk.reveal()[1600 + i], 33 + i);

  Ciphertext ct;
  SharedKey ss;
  encaps(ct, ss, pk, rng);
  EXPECT_EQ(rng.requests, (std::vector<std::size_t>{32, 32, 32}));
}

TEST(Kyber512, DeterministicGivenTheSameRandomBytes) {
  RecordingRandom a, b;
  PublicKey pka, pkb;
  SecretKey ska, skb;
  keypair(pka, ska, a);
  keypair(pkb, skb, b);
  EXPECT_EQ(hex(pka), hex(pkb));
  EXPECT_TRUE(ska.equals(skb));
  Ciphertext cta, ctb;
  SharedKey ssa, ssb;
  encaps(cta, ssa, pka, a);
  encaps(ctb, ssb, pkb, b);
  EXPECT_EQ(hex(cta), hex(ctb));
  EXPECT_TRUE(ssa.equals(ssb));
}

// A ciphertext for one key opened with another key gives that key's rejection value.
TEST(Kyber512, WrongSecretKeyGivesRejectionKey) {
  PublicKey pk1, pk2;
  SecretKey sk1, sk2;
  keypair(pk1, sk1, crypto::system_random());
  keypair(pk2, sk2, crypto::system_random());
  Ciphertext ct;
  SharedKey sent, opened;
  encaps(ct, sent, pk1, crypto::system_random());
  decaps(opened, ct, sk2);
  EXPECT_FALSE(opened.equals(sent));
  EXPECT_EQ(hex(opened.reveal()), hex(rejection_key(sk2, ct)));
}

}  // namespace
}  // namespace rosenpass::kem::kyber512
