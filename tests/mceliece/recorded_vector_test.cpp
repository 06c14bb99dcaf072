// Classic McEliece 460896 against the recorded handshake's static keys (shared/test-vectors).
#include <gtest/gtest.h>

#include <memory>

#include "crypto/test_util.h"
#include "rosenpass/kem/mceliece460896.h"

namespace mce = rosenpass::kem::mceliece460896;
using rosenpass::test::hex;
using rosenpass::test::vector_file;

namespace {

mce::SecretKey load_sk(const std::string& name) {
  auto sk = mce::secret_key_from_bytes(vector_file(name));
  EXPECT_TRUE(sk.has_value());
  return std::move(*sk);
}

std::string decaps_hex(const mce::SecretKey& sk, const std::vector<uint8_t>& ct) {
  mce::SharedKey ss;
  mce::decaps(ss, std::span<const uint8_t, mce::kCiphertextSize>(ct.data(), ct.size()), sk);
  return hex(ss.reveal());
}

}  // namespace

TEST(McElieceRecorded, ResponderDecapsulatesInitHelloCiphertext) {
  const auto ct = vector_file("values/19_ihi5_skem_ct_sctr.bin");
  ASSERT_EQ(ct.size(), mce::kCiphertextSize);
  EXPECT_EQ(decaps_hex(load_sk("peer_b_sk.bin"), ct),
            hex(vector_file("values/18_ihi5_skem_shk.bin")));
}

TEST(McElieceRecorded, InitiatorDecapsulatesRespHelloCiphertext) {
  const auto ct = vector_file("values/38_rhr5_skem_ct_scti.bin");
  ASSERT_EQ(ct.size(), mce::kCiphertextSize);
  EXPECT_EQ(decaps_hex(load_sk("peer_a_sk.bin"), ct),
            hex(vector_file("values/37_rhr5_skem_shk.bin")));
}

TEST(McElieceRecorded, KeypairFromStoredDeltaReproducesBothKeys) {
  const auto sk_bytes = vector_file("peer_a_sk.bin");
  const auto pk_bytes = vector_file("peer_a_pk.bin");
  ASSERT_EQ(sk_bytes.size(), mce::kSecretKeySize);
  ASSERT_EQ(pk_bytes.size(), mce::kPublicKeySize);
  auto pk = std::make_unique<mce::PublicKey>();
  mce::SecretKey sk;
  mce::keypair_from_seed(*pk, sk, std::span<const uint8_t, 32>(sk_bytes.data(), 32));
  EXPECT_TRUE(std::equal(pk->begin(), pk->end(), pk_bytes.begin()));
  EXPECT_EQ(hex(sk.reveal()), hex(sk_bytes));
}
