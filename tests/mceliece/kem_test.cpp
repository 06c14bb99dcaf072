// Round trips, implicit rejection and secret-key layouts of both wire variants, with the
// recorded static keys (no key generation: it is slow under sanitizers).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>
#include <atomic>
#include <cstdlib>
#include <new>

#include "mceliece_util.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RP_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define RP_TEST_SANITIZED 1
#endif
#endif

// Every heap allocation through operator new in this program is counted (the sanitizers bring
// their own operator new, whose delete would not accept ours).
namespace {
std::atomic<std::size_t> g_news{0};
#ifdef RP_TEST_SANITIZED
constexpr bool kCountingNew = false;
#else
constexpr bool kCountingNew = true;
#endif
}  // namespace

#ifndef RP_TEST_SANITIZED
void* operator new(std::size_t n) {
  ++g_news;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t al) {
  ++g_news;
  const auto a = static_cast<std::size_t>(al);
  if (void* p = std::aligned_alloc(a, (n + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#endif

namespace {

using namespace rosenpass::test;
namespace mce = rosenpass::kem::mceliece460896;

constexpr std::size_t kRejectOffset = 13032;  // s in delta||c||g||alpha||s

std::span<const uint8_t> rejection_string(const mce::SecretKey& sk) {
  return sk.reveal().subspan(kRejectOffset, 576);
}

std::string decaps_hex(const mce::SecretKey& sk, const mce::Ciphertext& ct) {
  mce::SharedKey ss;
  mce::decaps(ss, ct, sk);
  return hex(ss.reveal());
}

std::string decaps_hex(const mce::SecretKey& sk, const mce::ConfirmedCiphertext& ct) {
  mce::SharedKey ss;
  mce::decaps_confirmed(ss, ct, sk);
  return hex(ss.reveal());
}

class McElieceKem : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pk_ = recorded_pk("peer_b_pk.bin").release();
    sk_ = new mce::SecretKey(recorded_sk("peer_b_sk.bin"));
  }
  static void TearDownTestSuite() {
    delete pk_;
    delete sk_;
  }
  static mce::PublicKey* pk_;
  static mce::SecretKey* sk_;
};
mce::PublicKey* McElieceKem::pk_ = nullptr;
mce::SecretKey* McElieceKem::sk_ = nullptr;

TEST_F(McElieceKem, RoundTripCurrentVariant) {
  SeededRandom rng("round trip 156");
  for (int i = 0; i < 4; ++i) {
    mce::Ciphertext ct;
    mce::SharedKey ss;
    mce::encaps(ct, ss, *pk_, rng);
    EXPECT_EQ(decaps_hex(*sk_, ct), hex(ss.reveal()));
  }
}

TEST_F(McElieceKem, RoundTripConfirmedVariant) {
  SeededRandom rng("round trip 188");
  for (int i = 0; i < 4; ++i) {
    mce::ConfirmedCiphertext ct;
    mce::SharedKey ss;
    mce::encaps_confirmed(ct, ss, *pk_, rng);
    EXPECT_EQ(decaps_hex(*sk_, ct), hex(ss.reveal()));
  }
}

TEST_F(McElieceKem, VariantsShareSyndromeAndDifferInKey) {
  // Same randomness -> same error vector -> same C0; keys differ (C1 is hashed too).
  SeededRandom a("same e"), b("same e");
  mce::Ciphertext ct;
  mce::ConfirmedCiphertext cct;
  mce::SharedKey ss, css;
  mce::encaps(ct, ss, *pk_, a);
  mce::encaps_confirmed(cct, css, *pk_, b);
  EXPECT_TRUE(std::equal(ct.begin(), ct.end(), cct.begin()));
  EXPECT_NE(hex(ss.reveal()), hex(css.reveal()));
}

TEST_F(McElieceKem, ModifiedCiphertextGivesImplicitRejectionKey) {
  SeededRandom rng("reject 156");
  mce::Ciphertext ct;
  mce::SharedKey ss;
  mce::encaps(ct, ss, *pk_, rng);
  for (std::size_t at : {std::size_t{0}, std::size_t{77}, std::size_t{155}}) {
    mce::Ciphertext bad = ct;
    bad[at] ^= 0x10;
    const auto expected = openssl_shake256_32(
        {std::array<uint8_t, 1>{0}, rejection_string(*sk_), std::span<const uint8_t>(bad)});
    EXPECT_EQ(decaps_hex(*sk_, bad), hex(expected)) << "byte " << at;
  }
  mce::Ciphertext zero{};
  EXPECT_EQ(decaps_hex(*sk_, zero),
            hex(openssl_shake256_32({std::array<uint8_t, 1>{0}, rejection_string(*sk_),
                                     std::span<const uint8_t>(zero)})));
}

TEST_F(McElieceKem, ModifiedConfirmedCiphertextGivesImplicitRejectionKey) {
  SeededRandom rng("reject 188");
  mce::ConfirmedCiphertext ct;
  mce::SharedKey ss;
  mce::encaps_confirmed(ct, ss, *pk_, rng);
  // 3 flips the syndrome C0 (decoding fails); 170 and 187 flip the confirmation C1 only
  // (decoding succeeds, the confirmation check fails).
  for (std::size_t at : {std::size_t{3}, std::size_t{170}, std::size_t{187}}) {
    mce::ConfirmedCiphertext bad = ct;
    bad[at] ^= 0x01;
    const auto expected = openssl_shake256_32(
        {std::array<uint8_t, 1>{0}, rejection_string(*sk_), std::span<const uint8_t>(bad)});
    EXPECT_EQ(decaps_hex(*sk_, bad), hex(expected)) << "byte " << at;
  }
}

TEST_F(McElieceKem, ValidKeyIsHashOfErrorVectorNotRejection) {
  // A genuine ciphertext must not decapsulate to the rejection value.
  SeededRandom rng("not rejected");
  mce::Ciphertext ct;
  mce::SharedKey ss;
  mce::encaps(ct, ss, *pk_, rng);
  const auto rejection = openssl_shake256_32(
      {std::array<uint8_t, 1>{0}, rejection_string(*sk_), std::span<const uint8_t>(ct)});
  EXPECT_NE(hex(ss.reveal()), hex(rejection));
}

TEST_F(McElieceKem, LegacyLayoutRoundTripDecapsulatesIdentically) {
  const auto legacy = mce::to_legacy_layout(*sk_);
  const auto bytes = vector_file("peer_b_sk.bin");
  // s || g || alpha, per spec/protocol.md section 15.3
  std::vector<uint8_t> expected(bytes.begin() + 13032, bytes.end());
  expected.insert(expected.end(), bytes.begin() + 40, bytes.begin() + 13032);
  EXPECT_EQ(hex(legacy.reveal()), hex(expected));

  auto reloaded = mce::secret_key_from_bytes(legacy.reveal());
  ASSERT_TRUE(reloaded.has_value());
  // delta is lost (zeros); everything decapsulation reads is identical.
  EXPECT_EQ(hex(reloaded->reveal().subspan(32)), hex(sk_->reveal().subspan(32)));
  EXPECT_EQ(hex(reloaded->reveal().first(32)), std::string(64, '0'));

  SeededRandom rng("legacy");
  mce::ConfirmedCiphertext cct;
  mce::Ciphertext ct;
  mce::SharedKey ss;
  mce::encaps_confirmed(cct, ss, *pk_, rng);
  EXPECT_EQ(decaps_hex(*reloaded, cct), hex(ss.reveal()));
  mce::encaps(ct, ss, *pk_, rng);
  EXPECT_EQ(decaps_hex(*reloaded, ct), hex(ss.reveal()));
  ct[1] ^= 1;
  EXPECT_EQ(decaps_hex(*reloaded, ct), decaps_hex(*sk_, ct));
}

TEST(McElieceSecretKey, OtherSizesAreRejected) {
  for (std::size_t size : {0, 1, 32, 13567, 13569, 13607, 13609, 524160}) {
    std::vector<uint8_t> bytes(size, 0x5a);
    EXPECT_FALSE(mce::secret_key_from_bytes(bytes).has_value()) << size;
  }
  EXPECT_TRUE(mce::secret_key_from_bytes(std::vector<uint8_t>(13608)).has_value());
  EXPECT_TRUE(mce::secret_key_from_bytes(std::vector<uint8_t>(13568)).has_value());
}

TEST(McElieceSecretKey, GarbageKeyOfTheRightSizeDecapsulatesWithoutCrashing) {
  // Not a valid Goppa code (g may have roots, the control bits are noise): decapsulation
  // must still run to the end and give some key, never crash or read out of bounds.
  SeededRandom rng("garbage key");
  for (std::size_t size : {std::size_t{13608}, std::size_t{13568}}) {
    std::vector<uint8_t> bytes(size);
    rng.fill(bytes);
    auto sk = mce::secret_key_from_bytes(bytes);
    ASSERT_TRUE(sk.has_value());
    mce::Ciphertext ct;
    rng.fill(ct);
    mce::SharedKey a, b;
    mce::decaps(a, ct, *sk);
    mce::decaps(b, ct, *sk);
    EXPECT_EQ(hex(a.reveal()), hex(b.reveal()));  // deterministic
    mce::ConfirmedCiphertext cct;
    rng.fill(cct);
    mce::decaps_confirmed(a, cct, *sk);
  }
}

TEST(McElieceSecretKey, LegacyKeyGetsNonFPivotField) {
  auto sk = mce::secret_key_from_bytes(std::vector<uint8_t>(13568, 0x33));
  ASSERT_TRUE(sk.has_value());
  EXPECT_EQ(hex(sk->reveal().subspan(32, 8)), "ffffffff00000000");
}

// A daemon decapsulates in every handshake while it keeps small allocations for its peers in
// between. A heap workspace per decapsulation (31 KB, 32-byte aligned) left one hole per
// handshake: glibc before 2.38 does not reuse freed chunks for aligned requests (10,000 keyed
// peers: 74 MiB resident, 28 MiB without). So once a thread has decapsulated, it takes
// nothing from the heap again.
TEST_F(McElieceKem, DecapsulationTakesNothingFromTheHeapOnceWarm) {
  if (!kCountingNew) GTEST_SKIP() << "operator new is the sanitizer's here";
  SeededRandom rng("heap");
  mce::Ciphertext ct;
  mce::SharedKey ss;
  mce::encaps(ct, ss, *pk_, rng);
  mce::SharedKey first;
  mce::decaps(first, ct, *sk_);
  bool all_equal = true;  // checked after counting: a failed EXPECT allocates
  const std::size_t before = g_news.load();
  for (int i = 0; i < 20; ++i) {
    mce::SharedKey again;
    mce::decaps(again, ct, *sk_);
    all_equal = all_equal && std::ranges::equal(again.reveal(), ss.reveal());
  }
  const std::size_t news = g_news.load() - before;
  EXPECT_TRUE(all_equal);
  EXPECT_EQ(news, 0u);
}

}  // namespace
