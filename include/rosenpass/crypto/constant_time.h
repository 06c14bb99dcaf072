// Comparisons whose running time does not depend on the bytes compared.
#pragma once

#include <cstdint>
#include <span>

namespace rosenpass::crypto {

// True iff a and b have equal length and equal bytes; time depends only on the lengths.
bool ct_equal(std::span<const uint8_t> a, std::span<const uint8_t> b) noexcept;

// True iff every byte is zero; time depends only on the length.
bool ct_is_zero(std::span<const uint8_t> a) noexcept;

// Compares two little-endian unsigned integers of equal length: -1, 0 or 1.
int ct_compare_le(std::span<const uint8_t> a, std::span<const uint8_t> b) noexcept;

}  // namespace rosenpass::crypto
