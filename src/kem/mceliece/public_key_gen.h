// Key generation's middle steps: FieldOrdering (random 32-bit values sorted into a
// permutation pi of GF(2^13)) and the systematic public matrix T of the parity-check matrix.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "gf.h"
#include "params.h"
#include "zeroing_vector.h"

namespace rosenpass::kem::mceliece460896::detail {

// pi from the 8192 little-endian 32-bit values in `random` (32,768 bytes), or nullopt when
// two values coincide (retry).
std::optional<ZeroingVector<uint16_t>> field_ordering(std::span<const uint8_t> random);

// Writes T (1248 rows of 420 bytes) for the Goppa code (support alpha_i = bitrev(pi(i)),
// polynomial g); false when the left 1248 x 1248 block is singular (retry).
bool systematic_public_key(std::span<uint8_t> pk, const std::array<Gf, kT>& g,
                           std::span<const uint16_t> pi);

}  // namespace rosenpass::kem::mceliece460896::detail
