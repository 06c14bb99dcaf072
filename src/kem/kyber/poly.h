// Polynomials of R_q = Z_q[X]/(X^256 + 1) and vectors of them, with the transforms,
// samplers and byte encodings Kyber512 needs.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "params.h"

namespace rosenpass::kem::kyber512::detail {

// Coefficients are int16 representatives; each function states the range it returns.
struct Poly {
  std::array<int16_t, kN> c;
};
using PolyVec = std::array<Poly, kK>;

// --- number-theoretic transform (ntt.cpp) ---

// In place, into the NTT domain (the spec's bit-reversed order); output Barrett-reduced.
// Input |c| < q (noise, or decompressed values): each of the 7 layers adds < q, so the
// coefficients stay below 8q < 2^15.
void ntt(Poly& p);
// Inverse of ntt() that also cancels the 2^-16 left by basemul_accumulate(); output in (-q, q).
void inverse_ntt(Poly& p);
// sum_i a[i] * b[i] in the NTT domain, times 2^-16; output in (-q, q).
// One factor of each product must be below 4096 in absolute value, the other below q.
void basemul_accumulate(Poly& out, const PolyVec& a, const PolyVec& b);
// Multiplies every coefficient by 2^16 mod q (undoing basemul's 2^-16); output in (-q, q).
void to_montgomery_domain(Poly& p);

// --- coefficient-wise arithmetic (poly.cpp) ---

void add(Poly& r, const Poly& a);            // r += a, no reduction
void subtract_from(Poly& r, const Poly& a);  // r = a - r, no reduction
void reduce(Poly& p);                        // Barrett: every coefficient into [-(q-1)/2, (q-1)/2]
void normalize(Poly& p);                     // every coefficient into [0, q) (from |c| < 2^15)

// --- sampling (sample.cpp) ---

// A_hat[i][j] (or its transpose) from SHAKE128(rho || x || y) by rejection; in [0, q).
void sample_uniform(Poly& p, std::span<const uint8_t, kSymBytes> rho, uint8_t x, uint8_t y);
// CBD_eta(PRF(seed, nonce)) with PRF = SHAKE256; coefficients in [-eta, eta].
void sample_noise_eta1(Poly& p, std::span<const uint8_t, kSymBytes> seed, uint8_t nonce);
void sample_noise_eta2(Poly& p, std::span<const uint8_t, kSymBytes> seed, uint8_t nonce);

// --- byte encodings (encode.cpp) ---

// 12 bits per coefficient; `p` must be in [0, q).
void encode12(std::span<uint8_t, kPolyBytes> out, const Poly& p);
// Inverse of encode12; coefficients in [0, 4096) (values >= q are kept, as the reference does).
void decode12(Poly& p, std::span<const uint8_t, kPolyBytes> in);

// Compress_q(x, 10) of each coefficient of each polynomial; `v` must be in [0, q).
void compress_du(std::span<uint8_t, kPolyVecCompressedBytes> out, const PolyVec& v);
void decompress_du(PolyVec& v, std::span<const uint8_t, kPolyVecCompressedBytes> in);
// Compress_q(x, 4); `p` must be in [0, q).
void compress_dv(std::span<uint8_t, kPolyCompressedBytes> out, const Poly& p);
void decompress_dv(Poly& p, std::span<const uint8_t, kPolyCompressedBytes> in);

// Decompress_q(m, 1): bit i of the message becomes coefficient i = 0 or (q+1)/2.
void from_message(Poly& p, std::span<const uint8_t, kSymBytes> msg);
// Compress_q(x, 1) of every coefficient; `p` must be in [0, q).
void to_message(std::span<uint8_t, kSymBytes> msg, const Poly& p);

// round(x * 2^d / q) mod 2^d for x in [0, q), d <= 11, by multiplication (no division, whose
// time may depend on the operands). round(x 2^d / q) = floor((x 2^d + (q-1)/2) / q) as q is
// odd, and floor(n / q) = (n * kReciprocal) >> 35 for every n < 2^23: with
// kReciprocal = ceil(2^35 / q) the error n * (kReciprocal * q - 2^35) / 2^35 stays below 1/q.
// 32 x 32 -> 64-bit products, so that loops of it vectorise.
inline uint32_t compress_coefficient(uint32_t x, unsigned d) {
  constexpr unsigned kShift = 35;
  constexpr uint32_t kReciprocal = static_cast<uint32_t>(((uint64_t{1} << kShift) + kQ - 1) / kQ);
  const uint32_t numerator = (x << d) + kQ / 2;
  return static_cast<uint32_t>((uint64_t{numerator} * kReciprocal) >> kShift) & ((1u << d) - 1);
}
// round(y * q / 2^d) for y in [0, 2^d).
inline int16_t decompress_coefficient(uint32_t y, unsigned d) {
  return static_cast<int16_t>((y * static_cast<uint32_t>(kQ) + (1u << (d - 1))) >> d);
}

}  // namespace rosenpass::kem::kyber512::detail
