// Arithmetic in GF(2^13) = GF(2)[z]/(z^13 + z^4 + z^3 + z + 1), branch-free and table-free so
// that secret operands never choose a branch or a memory address.
#pragma once

#include <cstdint>

#include "params.h"

namespace rosenpass::kem::mceliece460896::detail {

using Gf = uint16_t;
inline constexpr Gf kGfMask = kFieldSize - 1;

// Folds bits 13.. of a carry-less product back with z^13 = z^4 + z^3 + z + 1.
inline Gf gf_reduce(uint32_t t) {
#pragma GCC unroll 2
  for (int round = 0; round < 2; ++round) {
    const uint32_t high = t >> 13;
    t = (t & kGfMask) ^ high ^ (high << 1) ^ (high << 3) ^ (high << 4);
  }
  return static_cast<Gf>(t & kGfMask);
}

inline Gf gf_mul(Gf a, Gf b) {
  uint32_t t = 0;
  const uint32_t aa = a;
  // Multiplying by a single bit of b is an integer multiply: no data-dependent branch.
#pragma GCC unroll 13
  for (int i = 0; i < kM; ++i) t ^= aa * (b & (1u << i));
  return gf_reduce(t);
}

inline Gf gf_sq(Gf a) {
  return gf_mul(a, a);
}

// a^(2^13 - 2), which is 1/a for a != 0 and 0 for a == 0.
inline Gf gf_inv(Gf a) {
  const Gf a3 = gf_mul(gf_sq(a), a);      // a^(2^2-1)
  Gf a15 = gf_mul(gf_sq(gf_sq(a3)), a3);  // a^(2^4-1)
  Gf x = a15;
  for (int i = 0; i < 4; ++i) x = gf_sq(x);
  const Gf a255 = gf_mul(x, a15);  // a^(2^8-1)
  x = a255;
  for (int i = 0; i < 4; ++i) x = gf_sq(x);
  const Gf a4095 = gf_mul(x, a15);  // a^(2^12-1)
  return gf_sq(a4095);              // a^(2^13-2)
}

// All ones when a == 0, else 0.
inline Gf gf_is_zero_mask(Gf a) {
  uint32_t t = a;
  t -= 1;
  t >>= 19;  // a in [0, 8191]: only a == 0 wraps to the top bits
  return static_cast<Gf>(0u - (t & 1));
}

// Bit-reverses a 13-bit value (the spec's mapping from pi(i) to a field element).
inline Gf bitrev13(Gf a) {
  uint32_t r = 0;
  for (int i = 0; i < kM; ++i) r |= ((a >> i) & 1u) << (kM - 1 - i);
  return static_cast<Gf>(r);
}

inline Gf load_gf(const uint8_t* p) {
  return static_cast<Gf>((p[0] | (p[1] << 8)) & kGfMask);
}
inline void store_gf(uint8_t* p, Gf a) {
  p[0] = static_cast<uint8_t>(a);
  p[1] = static_cast<uint8_t>(a >> 8);
}

}  // namespace rosenpass::kem::mceliece460896::detail
