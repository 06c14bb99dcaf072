// Sorting networks: the sequence of comparisons depends only on the length, never on the
// values, so sorting secret data (field orderings, permutations) leaks nothing through timing.
#pragma once

#include <cstdint>
#include <span>

namespace rosenpass::kem::mceliece460896::detail {

// Sorts ascending; the length must be a power of two.
void ct_sort(std::span<uint32_t> a) noexcept;
void ct_sort(std::span<uint64_t> a) noexcept;

}  // namespace rosenpass::kem::mceliece460896::detail
