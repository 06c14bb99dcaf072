// The KEMs the known-answer program and the liboqs differential test know, by name.
// The list is algorithms.inc: one RP_KAT_KEM(variable) line per alg_<name>.cpp.
#pragma once

#include <span>
#include <string_view>

#include "kem_algorithm.h"

namespace rosenpass::kat {

std::span<const KemAlgorithm* const> kem_algorithms();

// nullptr for an unknown name.
const KemAlgorithm* find_kem_algorithm(std::string_view name);

}  // namespace rosenpass::kat
