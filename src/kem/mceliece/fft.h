// Additive FFT (Gao-Mateer) over all of GF(2^13), bitsliced. "FFT order" lists the 8192
// field elements as bitrev13(0), bitrev13(1), ...: applying the secret key's Benes network
// to a list in FFT order gives the list in support order (alpha_0, alpha_1, ...).
#pragma once

#include <array>
#include <span>

#include "bitsliced.h"

namespace rosenpass::kem::mceliece460896::detail {

// 8192 field elements in FFT order: group w, lane l is element 64*w + l.
using FieldValues = std::array<Bits13, kFieldSize / 64>;

// out[k] = f(bitrev13(k)) for a polynomial of degree < 128.
void fft_evaluate(FieldValues& out, std::span<const Gf, 128> f);

// The transposed map: s[j] = sum_k values[k] * bitrev13(k)^j for j < 256 ("power sums", the
// syndrome when values[k] = r_k / g(alpha_k)^2). `values` is consumed.
void fft_power_sums(std::span<Gf, 256> s, FieldValues& values);

}  // namespace rosenpass::kem::mceliece460896::detail
