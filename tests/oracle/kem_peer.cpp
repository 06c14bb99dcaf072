// Our side of the liboqs differential test (kem_oracle.mjs): one KEM from the kat-kem table,
// driven over stdin/stdout, one request per line, byte strings in lower-case hex:
//   keypair             -> <pk> <sk>
//   encaps <pk>         -> <ct> <ss>
//   decaps <ct> <sk>    -> <ss>
// A malformed request is answered with a line starting "error".
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "algorithms.h"

namespace {

using rosenpass::kat::KemAlgorithm;

std::string to_hex(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * bytes.size());
  for (uint8_t b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

std::optional<std::vector<uint8_t>> from_hex(const std::string& s, std::size_t expected_size) {
  if (s.size() != 2 * expected_size) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<uint8_t> out(expected_size);
  for (std::size_t i = 0; i < expected_size; ++i) {
    const int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string answer(const KemAlgorithm& alg, const std::string& line) {
  std::istringstream in(line);
  std::string command, first, second;
  in >> command >> first >> second;
  auto& rng = rosenpass::crypto::system_random();
  if (command == "keypair") {
    std::vector<uint8_t> pk(alg.public_key_size), sk(alg.secret_key_size);
    alg.keypair(pk, sk, rng);
    return to_hex(pk) + " " + to_hex(sk);
  }
  if (command == "encaps") {
    auto pk = from_hex(first, alg.public_key_size);
    if (!pk)
      return "error: encaps needs a public key of " + std::to_string(alg.public_key_size) +
             " bytes in hex";
    std::vector<uint8_t> ct(alg.ciphertext_size), ss(alg.shared_key_size);
    alg.encaps(ct, ss, *pk, rng);
    return to_hex(ct) + " " + to_hex(ss);
  }
  if (command == "decaps") {
    auto ct = from_hex(first, alg.ciphertext_size);
    auto sk = from_hex(second, alg.secret_key_size);
    if (!ct || !sk) return "error: decaps needs a ciphertext and a secret key in hex";
    std::vector<uint8_t> ss(alg.shared_key_size);
    alg.decaps(ss, *ct, *sk);
    return to_hex(ss);
  }
  return "error: unknown request '" + command + "'";
}

}  // namespace

int main(int argc, char** argv) {
  const KemAlgorithm* alg = argc == 2 ? rosenpass::kat::find_kem_algorithm(argv[1]) : nullptr;
  if (alg == nullptr) {
    std::cerr << "usage: kem_peer ALGORITHM (an algorithm of kat-kem)\n";
    return 2;
  }
  for (std::string line; std::getline(std::cin, line);) {
    std::cout << answer(*alg, line) << '\n' << std::flush;
  }
  return 0;
}
