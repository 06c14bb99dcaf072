// Coefficient-wise arithmetic on polynomials.
#include "poly.h"

#include "modular.h"

namespace rosenpass::kem::kyber512::detail {

void add(Poly& r, const Poly& a) {
  for (std::size_t i = 0; i < kN; ++i) r.c[i] = static_cast<int16_t>(r.c[i] + a.c[i]);
}

void subtract_from(Poly& r, const Poly& a) {
  for (std::size_t i = 0; i < kN; ++i) r.c[i] = static_cast<int16_t>(a.c[i] - r.c[i]);
}

void reduce(Poly& p) {
  for (auto& c : p.c) c = barrett_reduce(c);
}

void normalize(Poly& p) {
  for (auto& c : p.c) c = to_unsigned(barrett_reduce(c));
}

}  // namespace rosenpass::kem::kyber512::detail
