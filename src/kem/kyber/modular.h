// Arithmetic modulo q on int16 coefficients without division or secret-dependent branches:
// Montgomery reduction (R = 2^16) for products, Barrett reduction for sums.
#pragma once

#include <cstdint>

#include "params.h"

namespace rosenpass::kem::kyber512::detail {

// q^-1 mod 2^16, by Newton's iteration (each step doubles the number of correct low bits).
constexpr uint32_t inverse_mod_2_16(uint32_t a) {
  uint32_t x = a;  // correct to 3 bits for odd a
  for (int i = 0; i < 4; ++i) x *= 2 - a * x;
  return x & 0xffff;
}
inline constexpr uint32_t kQInverse = inverse_mod_2_16(kQ);
static_assert(((kQInverse * kQ) & 0xffff) == 1);

// x mod q for any integer x, in [0, q); for compile-time tables.
constexpr int32_t mod_q(int64_t x) {
  int64_t r = x % kQ;
  return static_cast<int32_t>(r < 0 ? r + kQ : r);
}

// a * 2^-16 mod q, in (-q, q), for |a| < q * 2^15.
inline int16_t montgomery_reduce(int32_t a) {
  // u = a * q^-1 mod 2^16 makes a - u*q divisible by 2^16.
  const int16_t u = static_cast<int16_t>(static_cast<uint32_t>(a) * kQInverse);
  return static_cast<int16_t>((a - static_cast<int32_t>(u) * kQ) >> 16);
}

// The high 16 bits of the 32-bit product a * b (what SIMD "multiply high" instructions do).
inline int16_t multiply_high(int16_t a, int16_t b) {
  return static_cast<int16_t>((static_cast<int32_t>(a) * b) >> 16);
}

// a * b * 2^-16 mod q, in (-q, q), for |a * b| < q * 2^15; equal to
// montgomery_reduce(a * b), written in 16-bit lanes so that loops of it vectorise:
// a*b and u*q agree in their low 16 bits, so (a*b - u*q) / 2^16 is the difference of the
// high halves.
inline int16_t mont_mul(int16_t a, int16_t b) {
  const int16_t low = static_cast<int16_t>(static_cast<int32_t>(a) * b);
  const int16_t u = static_cast<int16_t>(low * static_cast<int16_t>(kQInverse));
  return static_cast<int16_t>(multiply_high(a, b) - multiply_high(u, kQ));
}

// The representative of a mod q in [-(q-1)/2, (q-1)/2].
inline int16_t barrett_reduce(int16_t a) {
  // quotient = round(a * kScale / 2^26), kScale = 2^26 / q rounded; the error is too small
  // to matter for 16-bit inputs. floor(a kScale / 2^16) first keeps it in 16-bit lanes and
  // does not change the result.
  constexpr int16_t kScale = ((1 << 26) + kQ / 2) / kQ;
  const int16_t quotient = static_cast<int16_t>((multiply_high(a, kScale) + (1 << 9)) >> 10);
  return static_cast<int16_t>(a - quotient * kQ);
}

// a in (-q, q) mapped to [0, q): adds q exactly when a is negative.
inline int16_t to_unsigned(int16_t a) {
  return static_cast<int16_t>(a + ((a >> 15) & kQ));
}

// The Montgomery form x * 2^16 mod q, centred in (-q/2, q/2]; for compile-time tables.
constexpr int16_t to_montgomery(int64_t x) {
  int32_t r = mod_q(mod_q(x) * int64_t{1 << 16});
  return static_cast<int16_t>(r > kQ / 2 ? r - kQ : r);
}

}  // namespace rosenpass::kem::kyber512::detail
