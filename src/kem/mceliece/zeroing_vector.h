// A std::vector whose storage is erased before it is freed: for key-generation temporaries
// (permutations, supports, the parity-check matrix) that are secret but too large for the
// stack.
#pragma once

#include <memory>
#include <vector>

#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::kem::mceliece460896::detail {

template <typename T>
struct ZeroingAllocator : std::allocator<T> {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = ZeroingAllocator<U>;
  };
  ZeroingAllocator() = default;
  template <typename U>
  ZeroingAllocator(const ZeroingAllocator<U>&) noexcept {}
  void deallocate(T* p, std::size_t n) noexcept {
    crypto::secure_zero(p, n * sizeof(T));
    std::allocator<T>::deallocate(p, n);
  }
};

template <typename T, typename U>
bool operator==(const ZeroingAllocator<T>&, const ZeroingAllocator<U>&) noexcept {
  return true;
}

template <typename T>
using ZeroingVector = std::vector<T, ZeroingAllocator<T>>;

}  // namespace rosenpass::kem::mceliece460896::detail
