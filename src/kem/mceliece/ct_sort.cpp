#include "ct_sort.h"

#include <algorithm>
#include <cassert>
#include <cstddef>

#include "cpu_dispatch.h"

namespace rosenpass::kem::mceliece460896::detail {
namespace {

// All ones iff a < b, from the borrow of a - b computed without a comparison instruction
// (std::min/std::max may compile to branches).
template <typename T>
inline T less_mask(T a, T b) noexcept {
  constexpr int kTop = 8 * sizeof(T) - 1;
  const T borrow = ((~a & b) | (~(a ^ b) & (a - b))) >> kTop;
  return T{0} - borrow;
}

template <typename T>
inline void ordered(T& lo, T& hi) noexcept {
  const T swap = less_mask(hi, lo);
  const T d = (lo ^ hi) & swap;
  lo ^= d;
  hi ^= d;
}

// Bitonic sort. Within a run of `k` elements the direction is fixed, and the partner of
// element i is i + j, so the inner loops are masked exchanges over contiguous ranges, which
// the compiler can vectorise.
template <typename T>
[[gnu::always_inline]] inline void bitonic_sort(std::span<T> a) noexcept {
  const std::size_t n = a.size();
  assert((n & (n - 1)) == 0);
  T* v = a.data();
  for (std::size_t k = 2; k <= n; k <<= 1) {
    for (std::size_t j = k >> 1; j > 0; j >>= 1) {
      for (std::size_t block = 0; block < n; block += 2 * j) {
        const bool ascending = (block & k) == 0;  // public: depends on positions only
        T* lo = v + block;
        T* hi = v + block + j;
        if (ascending) {
          for (std::size_t i = 0; i < j; ++i) ordered(lo[i], hi[i]);
        } else {
          for (std::size_t i = 0; i < j; ++i) ordered(hi[i], lo[i]);
        }
      }
    }
  }
}

}  // namespace

void ct_sort(std::span<uint32_t> a) noexcept {
  bitonic_sort(a);
}
void ct_sort(std::span<uint64_t> a) noexcept {
  bitonic_sort(a);
}

}  // namespace rosenpass::kem::mceliece460896::detail
