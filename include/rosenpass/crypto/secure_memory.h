// Storage for secret bytes: locked in RAM (never swapped), zeroed when freed.
#pragma once

#include <cstddef>

namespace rosenpass::crypto {

// Returns `size` zeroed bytes from locked memory. Throws std::bad_alloc when exhausted.
void* secure_alloc(std::size_t size);

// Zeroes and releases memory from secure_alloc; `size` must be the size it was asked for.
void secure_free(void* p, std::size_t size) noexcept;

// Overwrites `size` bytes at `p` with zeros in a way the compiler cannot elide.
void secure_zero(void* p, std::size_t size) noexcept;

}  // namespace rosenpass::crypto
