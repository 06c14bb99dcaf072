// kat-kem ALGORITHM: prints the NIST known-answer text of a KEM (shared/kat/README.md).
#include <cstdio>
#include <iostream>
#include <string_view>
#include <variant>

#include "kat_text.h"
#include "kem_algorithm.h"

namespace rosenpass::kat {
#define RP_KAT_KEM(variable) extern const KemAlgorithm variable;
#include "algorithms.inc"
#undef RP_KAT_KEM
}  // namespace rosenpass::kat

namespace {

using rosenpass::kat::KemAlgorithm;

// Ends with nullptr so that the list is never empty.
const KemAlgorithm* const kAlgorithms[] = {
#define RP_KAT_KEM(variable) &rosenpass::kat::variable,
#include "algorithms.inc"
#undef RP_KAT_KEM
    nullptr};

const KemAlgorithm* find_algorithm(std::string_view name) {
  for (const KemAlgorithm* alg : kAlgorithms) {
    if (alg != nullptr && alg->name == name) return alg;
  }
  return nullptr;
}

void print_usage(std::ostream& os) {
  os << "usage: kat-kem ALGORITHM\n"
        "Prints the NIST known-answer text of ALGORITHM. Algorithms:";
  for (const KemAlgorithm* alg : kAlgorithms) {
    if (alg != nullptr) os << ' ' << alg->name;
  }
  os << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    print_usage(std::cerr);
    return 2;
  }
  const KemAlgorithm* alg = find_algorithm(argv[1]);
  if (alg == nullptr) {
    std::cerr << "kat-kem: unknown algorithm '" << argv[1] << "'\n";
    print_usage(std::cerr);
    return 2;
  }
  auto result = rosenpass::kat::kat_text(*alg);
  if (auto* failure = std::get_if<rosenpass::kat::KatFailure>(&result)) {
    std::cerr << "kat-kem: " << failure->message << '\n';
    return 1;
  }
  const std::string& text = std::get<std::string>(result);
  std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
  std::cout.flush();
  return std::cout ? 0 : 1;
}
