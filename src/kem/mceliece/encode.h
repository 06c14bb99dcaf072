// Encapsulation's core: FixedWeight (a random weight-96 error vector, drawn exactly as the
// reference implementation draws it so known answers match) and Encode (its syndrome).
#pragma once

#include <cstdint>
#include <span>

#include "params.h"
#include "rosenpass/crypto/random.h"

namespace rosenpass::kem::mceliece460896::detail {

// e: 4608 bits, exactly 96 of them set. Draws 384 bytes per attempt.
void fixed_weight(std::span<uint8_t, kErrorBytes> e, crypto::RandomSource& rng);

// C0 = H e with H = (I_1248 | T), T the public key.
void encode(std::span<uint8_t, kSyndromeBytes> c0, std::span<const uint8_t> pk,
            std::span<const uint8_t, kErrorBytes> e);

}  // namespace rosenpass::kem::mceliece460896::detail
