// One KEM as the known-answer program sees it: sizes, the three operations on plain byte
// spans, and the shape of its published known-answer text.
//
// Adding an algorithm: write one alg_<name>.cpp that defines a `const KemAlgorithm`, and add
// one RP_KAT_KEM(<variable>) line to algorithms.inc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "rosenpass/crypto/random.h"

namespace rosenpass::kat {

// How the NIST `.rsp` records are laid out in the published text.
struct KatLayout {
  int records;                   // how many records (count = 0 ... records-1)
  std::string_view header;       // printed verbatim before the first record
  bool blank_line_after_record;  // the `.rsp` file has one; liboqs's single entry has none
};

// liboqs's `single` entry (shared/kat/README.md): one record, no header, no blank line.
inline constexpr KatLayout kSingleEntry{1, "", false};

struct KemAlgorithm {
  std::string_view name;  // the command-line name, as liboqs spells it
  std::size_t public_key_size;
  std::size_t secret_key_size;
  std::size_t ciphertext_size;
  std::size_t shared_key_size;
  KatLayout layout;
  // Spans have exactly the sizes above. Random bytes are drawn from `rng` in the order the
  // algorithm's reference implementation draws them.
  void (*keypair)(std::span<uint8_t> pk, std::span<uint8_t> sk, crypto::RandomSource& rng);
  void (*encaps)(std::span<uint8_t> ct, std::span<uint8_t> ss, std::span<const uint8_t> pk,
                 crypto::RandomSource& rng);
  void (*decaps)(std::span<uint8_t> ss, std::span<const uint8_t> ct, std::span<const uint8_t> sk);
};

}  // namespace rosenpass::kat
