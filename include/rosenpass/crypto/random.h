// Where random bytes come from. Everything that draws randomness takes a RandomSource&, so
// tests and the recorded-vector replay can substitute a deterministic one.
#pragma once

#include <cstdint>
#include <span>

#include "rosenpass/crypto/secret.h"

namespace rosenpass::crypto {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` entirely with random bytes.
  virtual void fill(std::span<uint8_t> out) = 0;
};

// The operating system's CSPRNG (libsodium randombytes_buf).
class SystemRandom final : public RandomSource {
 public:
  void fill(std::span<uint8_t> out) override;
};

// A process-wide SystemRandom.
RandomSource& system_random();

template <std::size_t N>
Secret<N> Secret<N>::random(RandomSource& rng) {
  Secret s;
  rng.fill(s.reveal_mut());
  return s;
}

}  // namespace rosenpass::crypto
