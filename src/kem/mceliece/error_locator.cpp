// Berlekamp-Massey, bitsliced over the coefficient index: the polynomials C (connection)
// and B (correction) are 128 coefficients in one u64x2 per bit plane, so each step is a
// handful of whole-polynomial products, with no branch and no secret-dependent index.
// The division-free form is used (C <- prev*C + d*B); it yields a nonzero multiple of the
// usual locator, which has the same roots.
#include "bitsliced.h"
#include "decode.h"
#include "fft.h"
#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::kem::mceliece460896::detail {
namespace {

using Poly = Planes<u64x2>;  // lane i = coefficient of x^i

// Multiplies by x: every lane moves up by one; `low` (0 or 1 per plane) enters lane 0.
inline void shift_up(Poly& p, Gf low) {
  for (int b = 0; b < kM; ++b) {
    const u64x2 v = p.plane[b];
    u64x2 r;
    r[0] = (v[0] << 1) | ((low >> b) & 1u);
    r[1] = (v[1] << 1) | (v[0] >> 63);
    p.plane[b] = r;
  }
}

inline Gf lane_of(const Poly& p, int i) {
  uint32_t r = 0;
  for (int b = 0; b < kM; ++b)
    r |= static_cast<uint32_t>((p.plane[b][i / 64] >> (i % 64)) & 1) << b;
  return static_cast<Gf>(r);
}

}  // namespace

RP_MCE_CLONES std::array<Gf, kT + 1> error_locator(std::span<const Gf, 2 * kT> s) {
  // C and B travel together as one 256-lane value [C | B], so the two products of the
  // update, prev*C and d*B, are a single bitsliced product with [prev | d].
  Planes<u64x4> cb{};
  for (int b = 0; b < kM; ++b) cb.plane[b] = u64x4{};
  cb.plane[0][0] = 1;  // C = 1
  cb.plane[0][2] = 2;  // B = x
  Poly window = bs_broadcast<u64x2>(0);
  Gf prev = 1;
  uint32_t len = 0;
  for (uint32_t n = 0; n < 2 * kT; ++n) {
    shift_up(window, s[n]);  // lane i = s[n - i]
    Poly c;
    for (int b = 0; b < kM; ++b) c.plane[b] = u64x2{cb.plane[b][0], cb.plane[b][1]};
    const Gf d = bs_sum_lanes(bs_mul(c, window));
    const uint64_t nonzero = ~static_cast<uint64_t>(0) * ((gf_is_zero_mask(d) & 1u) ^ 1u);
    const uint64_t lengthen = nonzero & (0 - static_cast<uint64_t>(((n - 2 * len) >> 31) ^ 1u));
    Planes<u64x4> factors{};
    for (int b = 0; b < kM; ++b) {
      const uint64_t p = 0 - static_cast<uint64_t>((prev >> b) & 1);
      const uint64_t q = 0 - static_cast<uint64_t>((d >> b) & 1);
      factors.plane[b] = u64x4{p, p, q, q};
    }
    const Planes<u64x4> products = bs_mul(factors, cb);
    // C <- prev*C + d*B; B <- C (old) if lengthening, then B <- x*B
    for (int b = 0; b < kM; ++b) {
      const u64x4 pr = products.plane[b];
      const u64x4 old = cb.plane[b];
      const uint64_t b0 = (old[0] & lengthen) | (old[2] & ~lengthen);
      const uint64_t b1 = (old[1] & lengthen) | (old[3] & ~lengthen);
      cb.plane[b] = u64x4{pr[0] ^ pr[2], pr[1] ^ pr[3], b0 << 1, (b1 << 1) | (b0 >> 63)};
    }
    len = static_cast<uint32_t>((len & ~lengthen) | ((n + 1 - len) & lengthen));
    prev = static_cast<Gf>((prev & ~lengthen) | (d & lengthen));
  }
  Poly c;
  for (int b = 0; b < kM; ++b) c.plane[b] = u64x2{cb.plane[b][0], cb.plane[b][1]};
  std::array<Gf, kT + 1> out;
  for (int i = 0; i <= kT; ++i) out[i] = lane_of(c, kT - i);
  crypto::secure_zero(&c, sizeof(c));
  crypto::secure_zero(&cb, sizeof(cb));
  crypto::secure_zero(&window, sizeof(window));
  return out;
}

}  // namespace rosenpass::kem::mceliece460896::detail
