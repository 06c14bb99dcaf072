// Bitsliced GF(2^13): 64 field elements side by side, plane b holding bit b of each. Every
// operation is a fixed sequence of AND/XOR on whole words, so it is constant time by
// construction, and one word operation does 64 field operations.
#pragma once

#include <array>
#include <cstdint>

#include "gf.h"

namespace rosenpass::kem::mceliece460896::detail {

struct Bits13 {
  std::array<uint64_t, kM> plane;
};

inline Bits13 bs_broadcast(Gf c) {
  Bits13 r;
  for (int b = 0; b < kM; ++b) r.plane[b] = 0 - static_cast<uint64_t>((c >> b) & 1);
  return r;
}

inline Bits13 bs_xor(const Bits13& a, const Bits13& b) {
  Bits13 r;
  for (int i = 0; i < kM; ++i) r.plane[i] = a.plane[i] ^ b.plane[i];
  return r;
}

// Reduces a 25-plane carry-less product with z^13 = z^4 + z^3 + z + 1.
inline Bits13 bs_reduce(std::array<uint64_t, 2 * kM - 1>& p) {
  for (int k = 2 * kM - 2; k >= kM; --k) {
    p[k - 13] ^= p[k];
    p[k - 12] ^= p[k];
    p[k - 10] ^= p[k];
    p[k - 9] ^= p[k];
  }
  Bits13 r;
  for (int i = 0; i < kM; ++i) r.plane[i] = p[i];
  return r;
}

inline Bits13 bs_mul(const Bits13& a, const Bits13& b) {
  std::array<uint64_t, 2 * kM - 1> p{};
  for (int i = 0; i < kM; ++i)
    for (int j = 0; j < kM; ++j) p[i + j] ^= a.plane[i] & b.plane[j];
  return bs_reduce(p);
}

// Squaring is GF(2)-linear: bit i moves to bit 2i before reduction.
inline Bits13 bs_sq(const Bits13& a) {
  std::array<uint64_t, 2 * kM - 1> p{};
  for (int i = 0; i < kM; ++i) p[2 * i] = a.plane[i];
  return bs_reduce(p);
}

// a^(2^13 - 2) lane by lane: 1/a, and 0 for 0.
inline Bits13 bs_inv(const Bits13& a) {
  const Bits13 a3 = bs_mul(bs_sq(a), a);
  const Bits13 a15 = bs_mul(bs_sq(bs_sq(a3)), a3);
  Bits13 x = a15;
  for (int i = 0; i < 4; ++i) x = bs_sq(x);
  const Bits13 a255 = bs_mul(x, a15);
  x = a255;
  for (int i = 0; i < 4; ++i) x = bs_sq(x);
  return bs_sq(bs_mul(x, a15));
}

// Parity of a word without a popcount instruction (which may be a table lookup).
inline uint64_t parity64(uint64_t x) {
  for (int shift = 32; shift > 0; shift >>= 1) x ^= x >> shift;
  return x & 1;
}

// The sum (XOR) of the 64 elements.
inline Gf bs_sum_lanes(const Bits13& a) {
  uint32_t r = 0;
  for (int b = 0; b < kM; ++b) r |= static_cast<uint32_t>(parity64(a.plane[b])) << b;
  return static_cast<Gf>(r);
}

}  // namespace rosenpass::kem::mceliece460896::detail
