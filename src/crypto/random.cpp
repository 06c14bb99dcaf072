#include "rosenpass/crypto/random.h"

#include <sodium.h>

#include <stdexcept>

namespace rosenpass::crypto {

void SystemRandom::fill(std::span<uint8_t> out) {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
  randombytes_buf(out.data(), out.size());
}

RandomSource& system_random() {
  static SystemRandom rng;
  return rng;
}

}  // namespace rosenpass::crypto
