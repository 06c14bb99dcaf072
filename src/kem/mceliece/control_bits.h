// Control bits of a Benes network (2m-1 layers of 2^(m-1) conditional swaps) that realise a
// permutation, as the Classic McEliece specification defines them (Bernstein, "Verified fast
// formulas for control bits for permutation networks"), and the network's application.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "gf.h"
#include "params.h"

namespace rosenpass::kem::mceliece460896::detail {

// Writes the (2*13-1)*4096 control bits of the permutation `pi` of {0..8191} into `out`
// (bit b at out[b/8] >> (b%8)). Constant time in the values of `pi`.
void control_bits_from_permutation(std::span<uint8_t, kControlBytes> out,
                                   std::span<const uint16_t, kFieldSize> pi);

// Applies the network to `values` in place: afterwards values[i] = old values[pi(i)].
void apply_benes(std::span<uint16_t, kFieldSize> values,
                 std::span<const uint8_t, kControlBytes> control);

// The support alpha_0..alpha_{n-1} = bitrev(pi(i)) recovered from the control bits.
void support_from_control_bits(std::span<Gf, kN> support,
                               std::span<const uint8_t, kControlBytes> control);

// 8192 bits, one per field element (bit i in word i/64).
using BitPlane = std::array<uint64_t, kFieldSize / 64>;

// Permutes one bit per element with the network, word-parallel, in each of `planes`:
// forward gives y[i] = x[pi(i)] (FFT order -> support order), inverse undoes it.
void benes_permute_bits(std::span<BitPlane* const> planes,
                        std::span<const uint8_t, kControlBytes> control, bool inverse);

}  // namespace rosenpass::kem::mceliece460896::detail
