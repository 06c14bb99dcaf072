#include "algorithms.h"

namespace rosenpass::kat {

#define RP_KAT_KEM(variable) extern const KemAlgorithm variable;
#include "algorithms.inc"
#undef RP_KAT_KEM

namespace {

// Ends with nullptr so that the array is never empty; kem_algorithms() leaves it out.
const KemAlgorithm* const kAlgorithms[] = {
#define RP_KAT_KEM(variable) &variable,
#include "algorithms.inc"
#undef RP_KAT_KEM
    nullptr};

}  // namespace

std::span<const KemAlgorithm* const> kem_algorithms() {
  return std::span(kAlgorithms).first(std::size(kAlgorithms) - 1);
}

const KemAlgorithm* find_kem_algorithm(std::string_view name) {
  for (const KemAlgorithm* alg : kem_algorithms()) {
    if (alg->name == name) return alg;
  }
  return nullptr;
}

}  // namespace rosenpass::kat
