// The first chaining-key steps of the recorded handshake (shared/test-vectors, IHI1-IHI8),
// recomputed from the vector's own inputs with the primitives of this layer alone.
#include <gtest/gtest.h>

#include <vector>

#include "rosenpass/crypto/aead.h"
#include "rosenpass/crypto/hash_domains.h"
#include "test_util.h"

namespace rosenpass::crypto {
namespace {

using test::hex;
using test::vector_file;

constexpr HashChoice kV03 = HashChoice::kShake256;

struct Chain {
  HashValue ck;
  void mix(std::span<const uint8_t> d) {
    const auto& dom = hash_domains(kV03);
    ck = keyed_hash(kV03, keyed_hash(kV03, ck, dom.mix), d);
  }
  // AEAD under hash(ck, HS_ENC) with a zero nonce and empty AD, then mix(ct).
  std::vector<uint8_t> encrypt_and_mix(std::span<const uint8_t> pt) {
    auto key = keyed_hash(kV03, ck, hash_domains(kV03).handshake_enc);
    std::array<uint8_t, 12> nonce{};
    std::vector<uint8_t> ct(pt.size() + 16);
    aead::seal(ct, key, nonce, pt, {});
    mix(ct);
    return ct;
  }
};

TEST(RecordedVector, InitiatorChainingKeysIhi4ToIhi8) {
  const auto spkr = vector_file("peer_b_pk.bin");
  const auto spki = vector_file("peer_a_pk.bin");
  const auto& dom = hash_domains(kV03);

  Chain c;
  c.ck = keyed_hash(kV03, dom.chaining_key_init, spkr);  // IHI1
  c.mix(vector_file("values/14_sidi.bin"));              // IHI4
  c.mix(vector_file("values/16_epki.bin"));
  EXPECT_EQ(hex(c.ck), hex(vector_file("values/17_ck_IHI4.bin")));

  c.mix(spkr);  // IHI5: pk, shared key, ciphertext
  c.mix(vector_file("values/18_ihi5_skem_shk.bin"));
  c.mix(vector_file("values/19_ihi5_skem_ct_sctr.bin"));
  EXPECT_EQ(hex(c.ck), hex(vector_file("values/20_ck_IHI5.bin")));

  auto pidi = keyed_hash(kV03, dom.peer_id, spki);  // IHI6
  EXPECT_EQ(hex(c.encrypt_and_mix(pidi)), hex(vector_file("values/21_pidi_ct.bin")));
  EXPECT_EQ(hex(c.ck), hex(vector_file("values/22_ck_IHI6.bin")));

  c.mix(spki);  // IHI7
  c.mix(vector_file("values/04_psk.bin"));
  EXPECT_EQ(hex(c.ck), hex(vector_file("values/23_ck_IHI7.bin")));

  EXPECT_EQ(hex(c.encrypt_and_mix({})), hex(vector_file("values/24_ih_auth.bin")));  // IHI8
  EXPECT_EQ(hex(c.ck), hex(vector_file("values/25_ck_IHI8.bin")));
}

}  // namespace
}  // namespace rosenpass::crypto
