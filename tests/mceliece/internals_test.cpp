// The building blocks on their own: field arithmetic, the sorting network, control bits.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

#include "control_bits.h"
#include "crypto/test_util.h"
#include "ct_sort.h"
#include "decode.h"
#include "encode.h"
#include "fft.h"
#include "gf.h"

namespace {

using namespace rosenpass::kem::mceliece460896::detail;

// Schoolbook reference: carry-less product reduced bit by bit.
Gf slow_mul(Gf a, Gf b) {
  uint32_t p = 0;
  for (int i = 0; i < 13; ++i)
    if ((b >> i) & 1) p ^= uint32_t{a} << i;
  for (int bit = 24; bit >= 13; --bit)
    if ((p >> bit) & 1) p ^= (0x201bu) << (bit - 13);  // z^13 + z^4 + z^3 + z + 1
  return static_cast<Gf>(p);
}

TEST(McElieceGf, MultiplicationMatchesSchoolbook) {
  std::mt19937 gen(1);
  for (int i = 0; i < 20000; ++i) {
    const Gf a = gen() & kGfMask, b = gen() & kGfMask;
    ASSERT_EQ(gf_mul(a, b), slow_mul(a, b)) << a << " * " << b;
  }
}

TEST(McElieceGf, InverseOfEveryNonzeroElement) {
  EXPECT_EQ(gf_inv(0), 0);
  for (int a = 1; a < kFieldSize; ++a) ASSERT_EQ(gf_mul(static_cast<Gf>(a), gf_inv(a)), 1) << a;
}

TEST(McElieceGf, ZeroMaskAndBitReversal) {
  EXPECT_EQ(gf_is_zero_mask(0), 0xffff);
  for (int a = 1; a < kFieldSize; ++a) ASSERT_EQ(gf_is_zero_mask(static_cast<Gf>(a)), 0);
  EXPECT_EQ(bitrev13(1), 1 << 12);
  EXPECT_EQ(bitrev13(0x1000), 1);
  for (int a = 0; a < kFieldSize; ++a) ASSERT_EQ(bitrev13(bitrev13(static_cast<Gf>(a))), a);
}

TEST(McElieceSort, SortsLikeStdSort) {
  std::mt19937_64 gen(2);
  for (std::size_t n : {1u, 2u, 8u, 64u, 8192u}) {
    std::vector<uint64_t> a(n);
    for (auto& x : a) x = gen() >> (n == 64 ? 60 : 0);  // with many duplicates once
    auto expected = a;
    std::sort(expected.begin(), expected.end());
    ct_sort(std::span<uint64_t>(a));
    EXPECT_EQ(a, expected) << n;
    std::vector<uint32_t> b(n);
    for (auto& x : b) x = static_cast<uint32_t>(gen());
    auto expected32 = b;
    std::sort(expected32.begin(), expected32.end());
    ct_sort(std::span<uint32_t>(b));
    EXPECT_EQ(b, expected32) << n;
  }
}

// The network built from control bits must realise the permutation it was built for.
void expect_network_realises(const std::vector<uint16_t>& pi) {
  std::vector<uint8_t> bits(kControlBytes);
  control_bits_from_permutation(std::span<uint8_t, kControlBytes>(bits.data(), kControlBytes),
                                std::span<const uint16_t, kFieldSize>(pi.data(), kFieldSize));
  std::vector<uint16_t> values(kFieldSize);
  std::iota(values.begin(), values.end(), uint16_t{0});
  apply_benes(std::span<uint16_t, kFieldSize>(values.data(), kFieldSize),
              std::span<const uint8_t, kControlBytes>(bits.data(), kControlBytes));
  EXPECT_EQ(values, pi);
}

TEST(McElieceControlBits, IdentityAndRandomPermutations) {
  std::vector<uint16_t> pi(kFieldSize);
  std::iota(pi.begin(), pi.end(), uint16_t{0});
  expect_network_realises(pi);
  std::reverse(pi.begin(), pi.end());
  expect_network_realises(pi);
  std::mt19937 gen(3);
  std::shuffle(pi.begin(), pi.end(), gen);
  expect_network_realises(pi);
}

}  // namespace

namespace {

Gf element(const FieldValues& v, int k) {
  Gf r = 0;
  for (int b = 0; b < kM; ++b) r |= static_cast<Gf>(((v.plane[b][k / 64] >> (k % 64)) & 1) << b);
  return r;
}

TEST(McElieceFft, EvaluatesLikeHorner) {
  std::mt19937 gen(4);
  for (int trial = 0; trial < 3; ++trial) {
    std::array<Gf, 128> f{};
    for (auto& c : f) c = gen() & kGfMask;
    FieldValues values;
    fft_evaluate(values, f);
    for (int k = 0; k < kFieldSize; ++k) {
      const Gf x = bitrev13(static_cast<Gf>(k));
      Gf expected = 0;
      for (int i = 127; i >= 0; --i) expected = gf_mul(expected, x) ^ f[i];
      ASSERT_EQ(element(values, k), expected) << "k = " << k;
    }
  }
}

TEST(McElieceFft, PowerSumsLikeDirectSums) {
  std::mt19937 gen(5);
  FieldValues values;
  std::vector<Gf> r(kFieldSize);
  for (int k = 0; k < kFieldSize; ++k) r[k] = (gen() % 3 == 0) ? (gen() & kGfMask) : 0;
  values = FieldValues{};
  for (int k = 0; k < kFieldSize; ++k)
    for (int b = 0; b < kM; ++b)
      values.plane[b][k / 64] |= static_cast<uint64_t>((r[k] >> b) & 1) << (k % 64);
  std::array<Gf, 256> s;
  fft_power_sums(s, values);
  for (int j : {0, 1, 2, 77, 191, 255}) {
    Gf expected = 0;
    for (int k = 0; k < kFieldSize; ++k) {
      Gf p = r[k];
      for (int e = 0; e < j; ++e) p = gf_mul(p, bitrev13(static_cast<Gf>(k)));
      expected ^= p;
    }
    EXPECT_EQ(s[j], expected) << "j = " << j;
  }
}

}  // namespace

namespace {

// The FFT decoder against the textbook one, on the recorded key: valid error vectors
// (weights 96), too few or too many errors, and random syndromes.
TEST(McElieceDecode, FastDecoderAgreesWithTextbookDecoder) {
  const auto sk = rosenpass::test::vector_file("peer_b_sk.bin");
  const auto pk = rosenpass::test::vector_file("peer_b_pk.bin");
  const auto goppa = std::span<const uint8_t, kGoppaBytes>(sk.data() + kSkGoppa, kGoppaBytes);
  const auto control =
      std::span<const uint8_t, kControlBytes>(sk.data() + kSkControl, kControlBytes);
  std::mt19937 gen(6);
  for (int weight : {96, 96, 95, 97, 0, 1, -1}) {
    std::array<uint8_t, kErrorBytes> e{};
    std::array<uint8_t, kSyndromeBytes> c0{};
    if (weight >= 0) {
      int placed = 0;
      while (placed < weight) {
        const int pos = static_cast<int>(gen() % kN);
        if (e[pos / 8] >> (pos % 8) & 1) continue;
        e[pos / 8] |= static_cast<uint8_t>(1 << (pos % 8));
        ++placed;
      }
      encode(c0, std::span<const uint8_t>(pk), e);
    } else {
      for (auto& b : c0) b = static_cast<uint8_t>(gen());
    }
    std::array<uint8_t, kErrorBytes> fast{}, textbook{};
    const uint8_t ok_fast = decode(fast, c0, goppa, control);
    const uint8_t ok_textbook = decode_reference(textbook, c0, goppa, control);
    EXPECT_EQ(ok_fast, ok_textbook) << "weight " << weight;
    EXPECT_EQ(ok_fast, weight == 96 ? 0xff : 0) << "weight " << weight;
    if (weight == 96) {
      EXPECT_EQ(fast, e);
      EXPECT_EQ(textbook, e);
    }
  }
}

}  // namespace
