#include "ct_sort.h"

#include <algorithm>
#include <cassert>
#include <cstddef>

namespace rosenpass::kem::mceliece460896::detail {
namespace {

// Bitonic sort. Within a run of `k` elements the direction is fixed, and the partner of
// element i is i + j, so the inner loops are plain min/max over contiguous ranges, which
// compile to branch-free (and vectorised) code.
template <typename T>
void bitonic_sort(std::span<T> a) noexcept {
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
          for (std::size_t i = 0; i < j; ++i) {
            const T x = lo[i], y = hi[i];
            lo[i] = std::min(x, y);
            hi[i] = std::max(x, y);
          }
        } else {
          for (std::size_t i = 0; i < j; ++i) {
            const T x = lo[i], y = hi[i];
            lo[i] = std::max(x, y);
            hi[i] = std::min(x, y);
          }
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
