// Berlekamp-Massey, bitsliced over the coefficient index: the polynomials C (connection)
// and B (correction) are 128 coefficients each, travelling together as one 256-lane value
// [C | B] (one u64x4 per bit plane), so each step is a handful of whole-polynomial products,
// with no branch and no secret-dependent index. The division-free form is used
// (C <- prev*C + d*B); it yields a nonzero multiple of the usual locator, which has the
// same roots.
//
// The discrepancy of the next step is obtained without waiting for the new C: with W the
// next window of syndromes, d' = C'.W = prev*(C.W) + d*(B.W), and [C | B].[W | W] only needs
// the old C and B. So the two products of a step (the update and the inner products) are
// independent and overlap, and only two scalar products stay on the critical path.
#include "bitsliced.h"
#include "decode.h"
#include "fft.h"
#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::kem::mceliece460896::detail {
namespace {

using Pair = Planes<u64x4>;  // lanes 0..127: C (lane i = coefficient of x^i); 128..255: B

// Multiplies both halves by x: every lane moves up by one within its half; bit b of `low`
// enters lane 0 of both halves.
[[gnu::always_inline]] inline void shift_up_both(Pair& p, Gf low) {
  const u64x4 in = u64x4{low, low, low, low};
#pragma GCC unroll 16
  for (int b = 0; b < kM; ++b) {
    const u64x4 v = p.plane[b];
    // word 0 takes bit b of `low`, word 1 the top of word 0 (likewise words 2, 3)
    const u64x4 carry = __builtin_shufflevector(v >> 63, (in >> b) & 1, 4, 0, 4, 2);
    p.plane[b] = (v << 1) | carry;
  }
}

// The sums (XOR) of lanes 0..127 and of lanes 128..255, in the low and high 16 bits. Each
// plane's two 128-lane sums are folded to single words, two planes share a vector (one in
// the even, one in the odd words), and the vectors are folded down to bit 0 together.
[[gnu::always_inline]] inline uint32_t sum_halves(const Pair& a) {
  u64x4 acc{};
#pragma GCC unroll 8
  for (int b = 0; b < kM; b += 2) {
    const u64x4 v = a.plane[b];
    const u64x4 x = v ^ __builtin_shufflevector(v, v, 1, 0, 3, 2);
    u64x4 packed = x;
    uint64_t hi = static_cast<uint64_t>(b);
    if (b + 1 < kM) {
      const u64x4 w = a.plane[b + 1];
      const u64x4 y = w ^ __builtin_shufflevector(w, w, 1, 0, 3, 2);
      packed = __builtin_shufflevector(x, y, 0, 5, 2, 7);
      hi = static_cast<uint64_t>(b + 1);
    } else {
      packed = x & u64x4{~uint64_t{0}, 0, ~uint64_t{0}, 0};
    }
#pragma GCC unroll 8
    for (int shift = 32; shift > 0; shift >>= 1) packed ^= packed >> shift;
    acc |= (packed & 1) << u64x4{static_cast<uint64_t>(b), hi, static_cast<uint64_t>(b), hi};
  }
  return static_cast<uint32_t>(acc[0] | acc[1]) | static_cast<uint32_t>(acc[2] | acc[3]) << 16;
}

inline Gf lane_of(const Pair& p, int i) {
  uint32_t r = 0;
  for (int b = 0; b < kM; ++b)
    r |= static_cast<uint32_t>((p.plane[b][i / 64] >> (i % 64)) & 1) << b;
  return static_cast<Gf>(r);
}

}  // namespace

RP_MCE_CLONES std::array<Gf, kT + 1> error_locator(std::span<const Gf, 2 * kT> s) {
  Pair cb;
  Pair window;  // both halves: lane i = s[n - i]
  for (int b = 0; b < kM; ++b) {
    cb.plane[b] = u64x4{};
    window.plane[b] = u64x4{};
  }
  cb.plane[0][0] = 1;  // C = 1
  cb.plane[0][2] = 2;  // B = x
  Gf prev = 1;
  Gf d = s[0];  // C.W for C = 1
  uint32_t len = 0;
  shift_up_both(window, s[0]);
  for (uint32_t n = 0; n < 2 * kT; ++n) {
    const uint64_t nonzero = ~static_cast<uint64_t>(0) * ((gf_is_zero_mask(d) & 1u) ^ 1u);
    const uint64_t lengthen = nonzero & (0 - static_cast<uint64_t>(((n - 2 * len) >> 31) ^ 1u));
    Pair factors;
    const u64x4 pd = u64x4{prev, prev, d, d};
#pragma GCC unroll 16
    for (int b = 0; b < kM; ++b) factors.plane[b] = u64x4{} - ((pd >> b) & 1);
    const Pair products = bs_mul(factors, cb);
    Gf d_next = 0;
    if (n + 1 < 2 * kT) {  // public loop bound
      shift_up_both(window, s[n + 1]);
      const uint32_t sums = sum_halves(bs_mul(cb, window));
      d_next = gf_mul(prev, static_cast<Gf>(sums & 0xffff)) ^
               gf_mul(d, static_cast<Gf>(sums >> 16));
    }
    // C <- prev*C + d*B; B <- C (old) if lengthening, then B <- x*B
    const u64x4 keep_c = u64x4{0, 0, lengthen, lengthen};
#pragma GCC unroll 16
    for (int b = 0; b < kM; ++b) {
      const u64x4 pr = products.plane[b];
      const u64x4 old = cb.plane[b];
      const u64x4 c_new = pr ^ __builtin_shufflevector(pr, pr, 2, 3, 0, 1);  // words 0, 1
      // words 2, 3: old C if lengthening, else old B; then times x
      const u64x4 sel = (__builtin_shufflevector(old, old, 2, 3, 0, 1) & keep_c) | (old & ~keep_c);
      const u64x4 zero{};
      const u64x4 carry = __builtin_shufflevector(sel >> 63, zero, 4, 4, 4, 2);
      cb.plane[b] = __builtin_shufflevector(c_new, (sel << 1) | carry, 0, 1, 6, 7);
    }
    len = static_cast<uint32_t>((len & ~lengthen) | ((n + 1 - len) & lengthen));
    prev = static_cast<Gf>((prev & ~lengthen) | (d & lengthen));
    d = d_next;
  }
  std::array<Gf, kT + 1> out;
  for (int i = 0; i <= kT; ++i) out[i] = lane_of(cb, kT - i);
  crypto::secure_zero(&cb, sizeof(cb));
  crypto::secure_zero(&window, sizeof(window));
  return out;
}

}  // namespace rosenpass::kem::mceliece460896::detail
