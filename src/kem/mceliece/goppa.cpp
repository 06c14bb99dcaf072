#include "goppa.h"

#include <vector>

#include "rejection.h"
#include "zeroing_vector.h"

namespace rosenpass::kem::mceliece460896::detail {
namespace {

using Elem = std::array<Gf, kT>;  // an element of GF(2^13)[y]/F(y)

// a*b mod F(y), with y^96 = y^10 + y^9 + y^6 + 1.
Elem ext_mul(const Elem& a, const Elem& b) {
  std::array<Gf, 2 * kT - 1> prod{};
  for (int i = 0; i < kT; ++i)
    for (int j = 0; j < kT; ++j) prod[i + j] ^= gf_mul(a[i], b[j]);
  for (int i = 2 * kT - 2; i >= kT; --i) {
    const Gf c = prod[i];
    prod[i - kT + 10] ^= c;
    prod[i - kT + 9] ^= c;
    prod[i - kT + 6] ^= c;
    prod[i - kT] ^= c;
  }
  Elem r;
  for (int i = 0; i < kT; ++i) r[i] = prod[i];
  return r;
}

}  // namespace

std::optional<std::array<Gf, kT>> goppa_from_field_element(const std::array<Gf, kT>& beta) {
  // Column j of `sys` holds beta^j (j = 0..96); solve sum_{j<96} g_j beta^j = beta^96, as 96
  // equations (one per coefficient of y) in rows sys[k][0..96].
  ZeroingVector<std::array<Gf, kT + 1>> sys(kT);
  Elem power{};
  power[0] = 1;
  for (int j = 0; j <= kT; ++j) {
    for (int k = 0; k < kT; ++k) sys[k][j] = power[k];
    if (j < kT) power = ext_mul(power, beta);
  }
  uint64_t singular = 0;
  for (int col = 0; col < kT; ++col) {
    // Bring a nonzero pivot into place without branching on which row holds it.
    for (int k = col + 1; k < kT; ++k) {
      const Gf take = gf_is_zero_mask(sys[col][col]);
      for (int c = col; c <= kT; ++c) sys[col][c] ^= sys[k][c] & take;
    }
    singular |= gf_is_zero_mask(sys[col][col]);
    const Gf inv = gf_inv(sys[col][col]);
    for (int c = col; c <= kT; ++c) sys[col][c] = gf_mul(sys[col][c], inv);
    for (int k = 0; k < kT; ++k) {
      if (k == col) continue;
      const Gf factor = sys[k][col];
      for (int c = col; c <= kT; ++c) sys[k][c] ^= gf_mul(sys[col][c], factor);
    }
  }
  if (rejected(singular)) return std::nullopt;  // beta is discarded
  std::array<Gf, kT> g;
  for (int k = 0; k < kT; ++k) g[k] = sys[k][kT];
  return g;
}

Gf goppa_eval(const std::array<Gf, kT>& g, Gf x) {
  Gf r = 1;
  for (int i = kT - 1; i >= 0; --i) r = gf_mul(r, x) ^ g[i];
  return r;
}

}  // namespace rosenpass::kem::mceliece460896::detail
