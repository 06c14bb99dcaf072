// kat-kem ALGORITHM: prints the NIST known-answer text of a KEM (shared/kat/README.md).
#include <iostream>
#include <variant>

#include "algorithms.h"
#include "kat_text.h"

namespace {

using rosenpass::kat::KemAlgorithm;

void print_usage(std::ostream& os) {
  os << "usage: kat-kem ALGORITHM\n"
        "Prints the NIST known-answer text of ALGORITHM. Algorithms:";
  for (const KemAlgorithm* alg : rosenpass::kat::kem_algorithms()) os << ' ' << alg->name;
  os << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    print_usage(std::cerr);
    return 2;
  }
  const KemAlgorithm* alg = rosenpass::kat::find_kem_algorithm(argv[1]);
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
