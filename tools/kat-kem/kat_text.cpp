#include "kat_text.h"

#include <array>
#include <numeric>
#include <vector>

#include "nist_drbg.h"
#include "rosenpass/crypto/constant_time.h"

namespace rosenpass::kat {
namespace {

std::string upper_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string s;
  s.reserve(2 * bytes.size());
  for (uint8_t b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

}  // namespace

std::variant<std::string, KatFailure> kat_text(const KemAlgorithm& alg) {
  // The harness seeds its DRBG with 0, 1, ..., 47 and draws one 48-byte seed per record.
  std::array<uint8_t, NistCtrDrbg::kSeedSize> entropy;
  std::iota(entropy.begin(), entropy.end(), uint8_t{0});
  NistCtrDrbg seeds(entropy);

  std::vector<uint8_t> pk(alg.public_key_size), sk(alg.secret_key_size);
  std::vector<uint8_t> ct(alg.ciphertext_size), ss(alg.shared_key_size),
      ss_decaps(alg.shared_key_size);

  std::string out(alg.layout.header);
  for (int count = 0; count < alg.layout.records; ++count) {
    std::array<uint8_t, NistCtrDrbg::kSeedSize> seed;
    seeds.fill(seed);
    NistCtrDrbg rng(seed);
    alg.keypair(pk, sk, rng);
    alg.encaps(ct, ss, pk, rng);
    alg.decaps(ss_decaps, ct, sk);
    if (!crypto::ct_equal(ss, ss_decaps)) {
      return KatFailure{std::string(alg.name) + ": decapsulation of record " +
                        std::to_string(count) + " does not give the encapsulated key"};
    }
    out += "count = " + std::to_string(count) + "\n";
    out += "seed = " + upper_hex(seed) + "\n";
    out += "pk = " + upper_hex(pk) + "\n";
    out += "sk = " + upper_hex(sk) + "\n";
    out += "ct = " + upper_hex(ct) + "\n";
    out += "ss = " + upper_hex(ss) + "\n";
    if (alg.layout.blank_line_after_record) out += "\n";
  }
  return out;
}

}  // namespace rosenpass::kat
