#include "rejection.h"

namespace rosenpass::kem::mceliece460896::detail {

bool rejected(uint64_t failed) noexcept {
  if (failed != 0) {
    asm volatile("");  // keep this a real branch rather than a flag-setting instruction
    return true;
  }
  return false;
}

}  // namespace rosenpass::kem::mceliece460896::detail
