// Decoding a syndrome with the secret Goppa code (the specification's Decode): recover the
// weight-96 error vector, in constant time.
#pragma once

#include <cstdint>
#include <span>

#include "params.h"

namespace rosenpass::kem::mceliece460896::detail {

// Writes e with H e = c0 and returns 0xff if such an e of weight 96 exists; otherwise
// returns 0 (e is then unspecified). `goppa` and `control` are the secret-key fields.
uint8_t decode(std::span<uint8_t, kErrorBytes> e, std::span<const uint8_t, kSyndromeBytes> c0,
               std::span<const uint8_t, kGoppaBytes> goppa,
               std::span<const uint8_t, kControlBytes> control);

}  // namespace rosenpass::kem::mceliece460896::detail
