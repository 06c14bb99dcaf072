// Bitsliced GF(2^13): many field elements side by side, plane b holding bit b of each. A
// "word" is uint64_t (64 elements) or a GCC vector of them (128 or 256 elements). Every
// operation is a fixed sequence of AND/XOR on whole words: constant time by construction,
// and one word operation does 64 or more field operations.
#pragma once

#include <array>
#include <cstdint>

#include "gf.h"

namespace rosenpass::kem::mceliece460896::detail {

// Two or four 64-bit words as one vector register (portable GCC vector extensions: SSE2 or
// AVX2 where the function is compiled for it, plain words elsewhere).
typedef uint64_t u64x2 __attribute__((vector_size(16)));
typedef uint64_t u64x4 __attribute__((vector_size(32)));

template <typename W>
struct Planes {
  std::array<W, kM> plane;
};
using Bits13 = Planes<uint64_t>;

template <typename W = uint64_t>
[[gnu::always_inline]] inline Planes<W> bs_broadcast(Gf c) {
  Planes<W> r;
#pragma GCC unroll 16
  for (int b = 0; b < kM; ++b) {
    W zero{};
    r.plane[b] = zero - static_cast<uint64_t>((c >> b) & 1);
  }
  return r;
}

template <typename W>
[[gnu::always_inline]] inline Planes<W> bs_xor(const Planes<W>& a, const Planes<W>& b) {
  Planes<W> r;
#pragma GCC unroll 16
  for (int i = 0; i < kM; ++i) r.plane[i] = a.plane[i] ^ b.plane[i];
  return r;
}

// Reduces a 25-plane carry-less product with z^13 = z^4 + z^3 + z + 1.
template <typename W>
[[gnu::always_inline]] inline Planes<W> bs_reduce(std::array<W, 2 * kM - 1>& p) {
#pragma GCC unroll 16
  for (int k = 2 * kM - 2; k >= kM; --k) {
    p[k - 13] ^= p[k];
    p[k - 12] ^= p[k];
    p[k - 10] ^= p[k];
    p[k - 9] ^= p[k];
  }
  Planes<W> r;
#pragma GCC unroll 16
  for (int i = 0; i < kM; ++i) r.plane[i] = p[i];
  return r;
}

// Schoolbook product of two N-plane polynomials into 2N - 1 planes, column by column (no
// zero-initialised accumulator array), so the compiler keeps the partial sums in registers.
template <int N, typename W>
[[gnu::always_inline]] inline void bs_mul_school(const W* a, const W* b, W* p) {
#pragma GCC unroll 32
  for (int k = 0; k < 2 * N - 1; ++k) {
    const int lo = k < N ? 0 : k - (N - 1);
    const int hi = k < N ? k : N - 1;
    W acc = a[lo] & b[k - lo];
#pragma GCC unroll 16
    for (int i = lo + 1; i <= hi; ++i) acc ^= a[i] & b[k - i];
    p[k] = acc;
  }
}

// One level of Karatsuba: a = a0 + z^7 a1 (7 and 6 planes), three half-size products
// (134 ANDs instead of 169, and fewer XORs), then the reduction.
template <typename W>
[[gnu::always_inline]] inline Planes<W> bs_mul(const Planes<W>& a, const Planes<W>& b) {
  constexpr int kLow = 7, kHigh = kM - kLow;  // 7 + 6 planes
  W as[kLow], bs[kLow];
#pragma GCC unroll 8
  for (int i = 0; i < kLow; ++i) {
    as[i] = a.plane[i];
    bs[i] = b.plane[i];
  }
#pragma GCC unroll 8
  for (int i = 0; i < kHigh; ++i) {
    as[i] ^= a.plane[kLow + i];
    bs[i] ^= b.plane[kLow + i];
  }
  W lo[2 * kLow - 1], mid[2 * kLow - 1], hi[2 * kHigh - 1];
  bs_mul_school<kLow>(a.plane.data(), b.plane.data(), lo);
  bs_mul_school<kHigh>(a.plane.data() + kLow, b.plane.data() + kLow, hi);
  bs_mul_school<kLow>(as, bs, mid);
#pragma GCC unroll 16
  for (int i = 0; i < 2 * kLow - 1; ++i) mid[i] ^= lo[i];
#pragma GCC unroll 16
  for (int i = 0; i < 2 * kHigh - 1; ++i) mid[i] ^= hi[i];
  // p = lo + z^7 mid + z^14 hi (lo: planes 0..12, mid: 7..19, hi: 14..24)
  std::array<W, 2 * kM - 1> p;
#pragma GCC unroll 16
  for (int i = 0; i < kLow; ++i) p[i] = lo[i];
#pragma GCC unroll 16
  for (int i = kLow; i < 2 * kLow - 1; ++i) p[i] = lo[i] ^ mid[i - kLow];
  p[2 * kLow - 1] = mid[kLow - 1];
#pragma GCC unroll 16
  for (int i = 2 * kLow; i < 2 * kM - 1; ++i) {
    const int m = i - kLow;
    p[i] = hi[i - 2 * kLow];
    if (m < 2 * kLow - 1) p[i] ^= mid[m];
  }
  return bs_reduce(p);
}

// Squaring is GF(2)-linear: bit i moves to bit 2i before reduction.
template <typename W>
[[gnu::always_inline]] inline Planes<W> bs_sq(const Planes<W>& a) {
  std::array<W, 2 * kM - 1> p;
#pragma GCC unroll 16
  for (int i = 0; i < kM; ++i) {
    p[2 * i] = a.plane[i];
    if (i + 1 < kM) p[2 * i + 1] = a.plane[i] ^ a.plane[i];  // zero of the right type
  }
  return bs_reduce(p);
}

// a^(2^13 - 2) element by element: 1/a, and 0 for 0.
template <typename W>
[[gnu::always_inline]] inline Planes<W> bs_inv(const Planes<W>& a) {
  const Planes<W> a3 = bs_mul(bs_sq(a), a);
  const Planes<W> a15 = bs_mul(bs_sq(bs_sq(a3)), a3);
  Planes<W> x = a15;
  for (int i = 0; i < 4; ++i) x = bs_sq(x);
  const Planes<W> a255 = bs_mul(x, a15);
  x = a255;
  for (int i = 0; i < 4; ++i) x = bs_sq(x);
  return bs_sq(bs_mul(x, a15));
}

// Parity of a word without a popcount instruction (which may be a table lookup).
[[gnu::always_inline]] inline uint64_t parity64(uint64_t x) {
#pragma GCC unroll 16
  for (int shift = 32; shift > 0; shift >>= 1) x ^= x >> shift;
  return x & 1;
}
[[gnu::always_inline]] inline uint64_t parity_of(uint64_t x) {
  return parity64(x);
}
[[gnu::always_inline]] inline uint64_t parity_of(u64x2 x) {
  return parity64(x[0] ^ x[1]);
}

// The sum (XOR) of all elements.
template <typename W>
[[gnu::always_inline]] inline Gf bs_sum_lanes(const Planes<W>& a) {
  uint32_t r = 0;
#pragma GCC unroll 16
  for (int b = 0; b < kM; ++b) r |= static_cast<uint32_t>(parity_of(a.plane[b])) << b;
  return static_cast<Gf>(r);
}

}  // namespace rosenpass::kem::mceliece460896::detail
