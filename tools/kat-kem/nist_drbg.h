// The AES-256 CTR_DRBG (NIST SP 800-90A, no derivation function, no prediction resistance)
// that the NIST PQC known-answer harness uses as `randombytes`. For KAT generation only.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "rosenpass/crypto/random.h"

namespace rosenpass::kat {

class NistCtrDrbg final : public crypto::RandomSource {
 public:
  static constexpr std::size_t kSeedSize = 48;

  // Same as the harness's randombytes_init(entropy, NULL, 256).
  explicit NistCtrDrbg(std::span<const uint8_t, kSeedSize> entropy);
  ~NistCtrDrbg() override;

  // Same as the harness's randombytes(out, out.size()): one generate call per fill.
  void fill(std::span<uint8_t> out) override;

 private:
  using Block = std::array<uint8_t, 16>;

  void increment_counter();
  Block encrypt_counter() const;
  // CTR_DRBG_Update: derive a fresh (key, counter), mixing in `provided` if present.
  void update(const std::array<uint8_t, kSeedSize>* provided);

  std::array<uint8_t, 32> key_{};
  Block counter_{};
};

}  // namespace rosenpass::kat
