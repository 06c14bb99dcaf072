#include <algorithm>

#include "decode.h"

namespace rosenpass::kem::mceliece460896::detail {

// Without data-dependent branches: every step runs in full and the updates are masked.
std::array<Gf, kT + 1> error_locator(std::span<const Gf, 2 * kT> s) {
  std::array<Gf, kT + 1> c{}, b{}, tmp{};
  c[0] = 1;
  b[1] = 1;
  Gf prev = 1;       // discrepancy when b was saved
  uint32_t len = 0;  // current LFSR length
  for (uint32_t n = 0; n < 2 * kT; ++n) {
    Gf d = 0;
    for (uint32_t i = 0; i <= std::min<uint32_t>(n, kT); ++i) d ^= gf_mul(c[i], s[n - i]);
    const Gf nonzero = static_cast<Gf>(~gf_is_zero_mask(d));
    // lengthen iff d != 0 and 2*len <= n
    const Gf lengthen = nonzero & static_cast<Gf>(0u - (((n - 2 * len) >> 31) ^ 1u));
    tmp = c;
    const Gf f = gf_mul(d, gf_inv(prev));
    for (int i = 0; i <= kT; ++i) c[i] ^= gf_mul(f, b[i]) & nonzero;
    len = (len & ~uint32_t{lengthen}) | ((n + 1 - len) & uint32_t{lengthen});
    for (int i = 0; i <= kT; ++i) b[i] = static_cast<Gf>((b[i] & ~lengthen) | (tmp[i] & lengthen));
    prev = static_cast<Gf>((prev & ~lengthen) | (d & lengthen));
    for (int i = kT; i >= 1; --i) b[i] = b[i - 1];
    b[0] = 0;
  }
  std::array<Gf, kT + 1> out;
  for (int i = 0; i <= kT; ++i) out[i] = c[kT - i];
  return out;
}

}  // namespace rosenpass::kem::mceliece460896::detail
