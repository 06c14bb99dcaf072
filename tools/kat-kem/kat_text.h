// Produces the NIST-harness known-answer text of a KEM (shared/kat/README.md).
#pragma once

#include <string>
#include <variant>

#include "kem_algorithm.h"

namespace rosenpass::kat {

// Why no text could be produced.
struct KatFailure {
  std::string message;
};

// The text, or a failure when decapsulation disagrees with encapsulation.
std::variant<std::string, KatFailure> kat_text(const KemAlgorithm& alg);

}  // namespace rosenpass::kat
