// Erasing secret intermediate values when a function returns, and the ctgrind hook.
#pragma once

#include <cstddef>
#include <type_traits>

#include "rosenpass/crypto/secure_memory.h"

#ifdef RP_KYBER_CTGRIND
#include <valgrind/memcheck.h>
#endif

namespace rosenpass::kem::kyber512::detail {

// Overwrites `obj` with zeros when the scope ends (on every path out of the function).
class WipeOnExit {
 public:
  template <class T>
  explicit WipeOnExit(T& obj) : ptr_(&obj), size_(sizeof(T)) {
    static_assert(std::is_trivially_copyable_v<T>);
  }
  ~WipeOnExit() { crypto::secure_zero(ptr_, size_); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  void* ptr_;
  std::size_t size_;
};

// Marks bytes derived from secrets as public on purpose (the matrix seed rho, which is part
// of the public key). Only the constant-time test build (RP_KYBER_CTGRIND) does anything:
// there it tells valgrind that branching on these bytes is allowed.
inline void declassify([[maybe_unused]] const void* ptr, [[maybe_unused]] std::size_t size) {
#ifdef RP_KYBER_CTGRIND
  VALGRIND_MAKE_MEM_DEFINED(ptr, size);
#endif
}

}  // namespace rosenpass::kem::kyber512::detail
