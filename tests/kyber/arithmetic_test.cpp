// The internal arithmetic against slow, obviously correct versions.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "modular.h"
#include "poly.h"

namespace rosenpass::kem::kyber512::detail {
namespace {

int32_t canonical(int32_t x) {
  return ((x % kQ) + kQ) % kQ;
}

Poly random_poly(std::mt19937& gen, int lo, int hi) {
  std::uniform_int_distribution<int> dist(lo, hi);
  Poly p;
  for (auto& c : p.c) c = static_cast<int16_t>(dist(gen));
  return p;
}

// a * b in Z_q[X]/(X^256 + 1), schoolbook.
Poly negacyclic_product(const Poly& a, const Poly& b) {
  std::array<int64_t, kN> acc{};
  for (std::size_t i = 0; i < kN; ++i) {
    for (std::size_t j = 0; j < kN; ++j) {
      const int64_t prod = int64_t{a.c[i]} * b.c[j];
      if (i + j < kN) {
        acc[i + j] += prod;
      } else {
        acc[i + j - kN] -= prod;
      }
    }
  }
  Poly r;
  for (std::size_t i = 0; i < kN; ++i) r.c[i] = static_cast<int16_t>(((acc[i] % kQ) + kQ) % kQ);
  return r;
}

TEST(KyberArithmetic, BarrettReduceIsCentredAndCongruent) {
  for (int32_t a = INT16_MIN; a <= INT16_MAX; ++a) {
    const int16_t r = barrett_reduce(static_cast<int16_t>(a));
    ASSERT_LE(std::abs(r), kQ / 2) << a;
    ASSERT_EQ(canonical(r), canonical(a)) << a;
  }
}

TEST(KyberArithmetic, MontgomeryReduceDividesBy2To16) {
  std::mt19937 gen(1);
  std::uniform_int_distribution<int32_t> dist(-kQ * (1 << 15) + 1, kQ * (1 << 15) - 1);
  for (int i = 0; i < 200000; ++i) {
    const int32_t a = i < 2 ? (i == 0 ? -kQ * (1 << 15) + 1 : kQ * (1 << 15) - 1) : dist(gen);
    const int16_t r = montgomery_reduce(a);
    ASSERT_LT(std::abs(r), kQ) << a;
    ASSERT_EQ(canonical(static_cast<int32_t>((int64_t{r} << 16) % kQ)), canonical(a)) << a;
  }
}

// The 16-bit-lane form used in the NTT gives exactly montgomery_reduce of the product.
TEST(KyberArithmetic, MontMulEqualsMontgomeryReduceOfProduct) {
  std::mt19937 gen(6);
  std::uniform_int_distribution<int> dist(INT16_MIN, INT16_MAX);
  int tested = 0;
  while (tested < 200000) {
    const auto a = static_cast<int16_t>(dist(gen)), b = static_cast<int16_t>(dist(gen));
    const int32_t product = int32_t{a} * b;
    if (std::abs(product) >= kQ * (1 << 15)) continue;
    ASSERT_EQ(mont_mul(a, b), montgomery_reduce(product)) << a << " * " << b;
    ++tested;
  }
}

TEST(KyberArithmetic, CompressMatchesExactRounding) {
  for (unsigned d : {1u, 4u, 5u, 10u, 11u}) {
    for (uint32_t x = 0; x < static_cast<uint32_t>(kQ); ++x) {
      // round(x 2^d / q) with exact rational arithmetic: floor((2 x 2^d + q) / (2 q)).
      const uint32_t expected = (((2 * x) << d) + kQ) / (2 * kQ) % (1u << d);
      ASSERT_EQ(compress_coefficient(x, d), expected) << "d=" << d << " x=" << x;
    }
  }
}

TEST(KyberArithmetic, DecompressThenCompressIsIdentity) {
  for (unsigned d : {1u, 4u, 10u}) {
    for (uint32_t y = 0; y < (1u << d); ++y) {
      const int16_t x = decompress_coefficient(y, d);
      ASSERT_GE(x, 0);
      ASSERT_LT(x, kQ);
      ASSERT_EQ(compress_coefficient(static_cast<uint32_t>(x), d), y);
    }
  }
}

TEST(KyberArithmetic, InverseNttUndoesNttUpTo2To16) {
  std::mt19937 gen(3);
  for (int round = 0; round < 20; ++round) {
    const Poly p = random_poly(gen, -kQ + 1, kQ - 1);
    Poly t = p;
    ntt(t);
    inverse_ntt(t);
    for (std::size_t i = 0; i < kN; ++i) {
      ASSERT_EQ(canonical(t.c[i]), canonical(static_cast<int32_t>((int64_t{p.c[i]} << 16) % kQ)));
    }
  }
}

// NTT, basemul_accumulate and inverse NTT multiply and add in Z_q[X]/(X^256 + 1), also when
// one NTT-domain factor is an unreduced value below 4096 (as decoded keys may be).
TEST(KyberArithmetic, NttMultiplicationMatchesSchoolbook) {
  std::mt19937 gen(2);
  for (int round = 0; round < 20; ++round) {
    const PolyVec a{random_poly(gen, 0, kQ - 1), random_poly(gen, -kQ + 1, kQ - 1)};
    const PolyVec b{random_poly(gen, -3, 3), random_poly(gen, 0, kQ - 1)};
    Poly expected = negacyclic_product(a[0], b[0]);
    const Poly second = negacyclic_product(a[1], b[1]);
    for (std::size_t i = 0; i < kN; ++i) {
      expected.c[i] = static_cast<int16_t>(canonical(expected.c[i] + second.c[i]));
    }

    PolyVec a_hat = a, b_hat = b;
    for (Poly& p : a_hat) {
      ntt(p);
      normalize(p);
      // Where it fits, use the representative c + q (still below 4096).
      for (auto& c : p.c) {
        if (c + kQ < 4096 && (gen() & 1)) c = static_cast<int16_t>(c + kQ);
      }
    }
    for (Poly& p : b_hat) ntt(p);

    Poly product;
    basemul_accumulate(product, a_hat, b_hat);
    inverse_ntt(product);
    for (std::size_t i = 0; i < kN; ++i) {
      ASSERT_LT(std::abs(product.c[i]), kQ);
      ASSERT_EQ(canonical(product.c[i]), expected.c[i]) << "round " << round << " i " << i;
    }
  }
}

TEST(KyberArithmetic, MessageEncodingRoundTrips) {
  std::mt19937 gen(4);
  for (int round = 0; round < 100; ++round) {
    std::array<uint8_t, kSymBytes> msg, back;
    for (auto& b : msg) b = static_cast<uint8_t>(gen());
    Poly p;
    from_message(p, msg);
    // Noise below q/4 in either direction does not change the decoded bits.
    const Poly noise = random_poly(gen, -kQ / 4 + 1, kQ / 4 - 1);
    add(p, noise);
    normalize(p);
    to_message(back, p);
    ASSERT_EQ(msg, back);
  }
}

TEST(KyberArithmetic, Encode12RoundTrips) {
  std::mt19937 gen(5);
  const Poly p = random_poly(gen, 0, kQ - 1);
  std::array<uint8_t, kPolyBytes> bytes;
  encode12(bytes, p);
  Poly back;
  decode12(back, bytes);
  EXPECT_EQ(p.c, back.c);
}

TEST(KyberArithmetic, CentredBinomialNoiseIsInRangeAndBalanced) {
  std::array<uint8_t, kSymBytes> seed{};
  std::array<int, 7> histogram{};
  for (int nonce = 0; nonce < 64; ++nonce) {
    Poly p;
    sample_noise_eta1(p, seed, static_cast<uint8_t>(nonce));
    for (auto c : p.c) {
      ASSERT_LE(std::abs(c), 3);
      ++histogram[static_cast<std::size_t>(c + 3)];
    }
    sample_noise_eta2(p, seed, static_cast<uint8_t>(nonce));
    for (auto c : p.c) ASSERT_LE(std::abs(c), 2);
  }
  // CBD_3: P(0) = 20/64, P(+-3) = 1/64; 16384 samples.
  EXPECT_NEAR(histogram[3] / 16384.0, 20.0 / 64, 0.02);
  EXPECT_NEAR(histogram[0] / 16384.0, 1.0 / 64, 0.005);
  EXPECT_NEAR(histogram[6] / 16384.0, 1.0 / 64, 0.005);
}

TEST(KyberArithmetic, UniformSamplesAreBelowQ) {
  std::array<uint8_t, kSymBytes> rho{};
  rho[0] = 9;
  Poly p, q, p_again;
  sample_uniform(p, rho, 0, 1);
  sample_uniform(q, rho, 1, 0);
  sample_uniform(p_again, rho, 0, 1);
  for (auto c : p.c) ASSERT_TRUE(c >= 0 && c < kQ);
  EXPECT_EQ(p.c, p_again.c);
  EXPECT_NE(p.c, q.c);
}

}  // namespace
}  // namespace rosenpass::kem::kyber512::detail
