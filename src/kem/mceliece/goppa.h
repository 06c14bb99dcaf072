// The Goppa polynomial g: the minimal polynomial over GF(2^13) of a random element of
// GF(2^13)[y]/F(y), F(y) = y^96 + y^10 + y^9 + y^6 + 1 (the specification's Irreducible step).
#pragma once

#include <array>
#include <optional>

#include "gf.h"
#include "params.h"

namespace rosenpass::kem::mceliece460896::detail {

// Coefficients g_0..g_95 of the monic g (g_96 = 1), or nullopt when the minimal polynomial
// of `beta` has degree below 96 (the caller then retries with fresh randomness).
std::optional<std::array<Gf, kT>> goppa_from_field_element(const std::array<Gf, kT>& beta);

// g(x) for the monic g with low coefficients `g`.
Gf goppa_eval(const std::array<Gf, kT>& g, Gf x);

}  // namespace rosenpass::kem::mceliece460896::detail
