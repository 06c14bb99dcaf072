#include "rosenpass/crypto/constant_time.h"

#include <sodium.h>

namespace rosenpass::crypto {

bool ct_equal(std::span<const uint8_t> a, std::span<const uint8_t> b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool ct_is_zero(std::span<const uint8_t> a) noexcept {
  return sodium_is_zero(a.data(), a.size()) == 1;
}

int ct_compare_le(std::span<const uint8_t> a, std::span<const uint8_t> b) noexcept {
  // sodium_compare treats its inputs as little-endian numbers and runs in constant time.
  return sodium_compare(a.data(), b.data(), a.size() < b.size() ? a.size() : b.size());
}

}  // namespace rosenpass::crypto
