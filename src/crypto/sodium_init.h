// libsodium must be initialised before use: sodium_init() also selects its fastest
// BLAKE2b and ChaCha20 code for this CPU, which the keyed hash depends on for speed.
#pragma once

#include <sodium.h>

#include <cstdlib>

namespace rosenpass::crypto {

inline void ensure_sodium() noexcept {
  static const bool ready = [] {
    if (sodium_init() < 0) std::abort();  // no CSPRNG, no crypto: nothing safe to do
    return true;
  }();
  (void)ready;
}

}  // namespace rosenpass::crypto
