#include "rosenpass/crypto/random.h"

#include <sodium.h>

#include "sodium_init.h"

namespace rosenpass::crypto {

void SystemRandom::fill(std::span<uint8_t> out) {
  ensure_sodium();
  randombytes_buf(out.data(), out.size());
}

RandomSource& system_random() {
  static SystemRandom rng;
  return rng;
}

}  // namespace rosenpass::crypto
