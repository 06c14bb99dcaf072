// Additive FFT (Gao-Mateer) over all of GF(2^13), bitsliced. "FFT order" lists the 8192
// field elements as bitrev13(0), bitrev13(1), ...: applying the secret key's Benes network
// to a list in FFT order gives the list in support order (alpha_0, alpha_1, ...).
#pragma once

#include <array>
#include <cstring>
#include <span>

#include "bitsliced.h"
#include "cpu_dispatch.h"

namespace rosenpass::kem::mceliece460896::detail {

inline constexpr std::size_t kGroups = kFieldSize / 64;  // 128 groups of 64 elements

// 8192 field elements in FFT order, plane by plane: bit l of plane[b][w] is bit b of
// element 64 w + l. Groups side by side in a plane load as one vector word.
struct FieldValues {
  alignas(32) std::array<std::array<uint64_t, kGroups>, kM> plane;
};

template <typename W>
[[gnu::always_inline]] inline Planes<W> load(const FieldValues& v, std::size_t group) {
  Planes<W> r;
#pragma GCC unroll 16
  for (int b = 0; b < kM; ++b) std::memcpy(&r.plane[b], &v.plane[b][group], sizeof(W));
  return r;
}

template <typename W>
[[gnu::always_inline]] inline void store(FieldValues& v, std::size_t group, const Planes<W>& x) {
#pragma GCC unroll 16
  for (int b = 0; b < kM; ++b) std::memcpy(&v.plane[b][group], &x.plane[b], sizeof(W));
}

// out[k] = f(bitrev13(k)) for a polynomial of degree < 128.
void fft_evaluate(FieldValues& out, std::span<const Gf, 128> f);

// The transposed map: s[j] = sum_k values[k] * bitrev13(k)^j for j < 256 ("power sums", the
// syndrome when values[k] = r_k / g(alpha_k)^2). `values` is consumed.
void fft_power_sums(std::span<Gf, 256> s, FieldValues& values);

}  // namespace rosenpass::kem::mceliece460896::detail
