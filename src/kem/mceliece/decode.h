// Decoding a syndrome with the secret Goppa code (the specification's Decode): recover the
// weight-96 error vector, in constant time.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "gf.h"
#include "params.h"

namespace rosenpass::kem::mceliece460896::detail {

// Writes e with H e = c0 and returns 0xff if such an e of weight 96 exists; otherwise
// returns 0 (e is then unspecified). `goppa` and `control` are the secret-key fields.
uint8_t decode(std::span<uint8_t, kErrorBytes> e, std::span<const uint8_t, kSyndromeBytes> c0,
               std::span<const uint8_t, kGoppaBytes> goppa,
               std::span<const uint8_t, kControlBytes> control);

// The same function computed the textbook way (evaluation and syndromes point by point,
// ~200 times slower); tests compare the two.
uint8_t decode_reference(std::span<uint8_t, kErrorBytes> e,
                         std::span<const uint8_t, kSyndromeBytes> c0,
                         std::span<const uint8_t, kGoppaBytes> goppa,
                         std::span<const uint8_t, kControlBytes> control);

// Berlekamp-Massey: the error locator, reversed so that its roots are the error positions'
// support elements (shared by both decoders).
std::array<Gf, kT + 1> error_locator(std::span<const Gf, 2 * kT> syndrome);

}  // namespace rosenpass::kem::mceliece460896::detail
