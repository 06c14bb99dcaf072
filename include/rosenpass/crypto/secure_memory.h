// Storage for secret bytes: locked in RAM (never swapped), zeroed when freed.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <ranges>
#include <span>
#include <type_traits>
#include <vector>

namespace rosenpass::crypto {

// Returns `size` zeroed bytes from locked memory. Throws std::bad_alloc when exhausted.
void* secure_alloc(std::size_t size);

// Zeroes and releases memory from secure_alloc; `size` must be the size it was asked for.
void secure_free(void* p, std::size_t size) noexcept;

// Overwrites `size` bytes at `p` with zeros in a way the compiler cannot elide.
void secure_zero(void* p, std::size_t size) noexcept;

// The one way to erase secret bytes outside crypto::Secret: every element of a contiguous
// range (a C array, std::array, std::vector, std::string, a span) is zeroed, unelidably.
// A container's spare capacity is not touched: see wipe_capacity.
template <std::ranges::contiguous_range R>
  requires std::is_trivially_copyable_v<std::ranges::range_value_t<R>>
void wipe(R&& bytes) noexcept {
  secure_zero(std::ranges::data(bytes),
              std::ranges::size(bytes) * sizeof(std::ranges::range_value_t<R>));
}

// Zeroes all of a vector's or string's allocation, including what lies beyond size() (an
// earlier, longer content), e.g. before a buffer that held secrets is freed or swapped out.
template <class C>
  requires requires(C& c) {
    c.data();
    c.capacity();
  }
void wipe_capacity(C& buffer) noexcept {
  if (buffer.capacity() != 0) {
    secure_zero(buffer.data(), buffer.capacity() * sizeof(*buffer.data()));
  }
}

// Appends `more` to a buffer that holds secrets. When that needs a bigger allocation (of
// max(needed, min_new_capacity) elements), the old one is wiped before it is freed, which
// std::vector's own growth would not do.
template <class T>
requires std::is_trivially_copyable_v<T>
void append_wiping(std::vector<T>& buffer, std::span<const T> more,
                   std::size_t min_new_capacity = 0) {
  if (buffer.size() + more.size() > buffer.capacity()) {
    std::vector<T> bigger;
    bigger.reserve(std::max(buffer.size() + more.size(), min_new_capacity));
    bigger.assign(buffer.begin(), buffer.end());
    wipe_capacity(buffer);
    buffer.swap(bigger);
  }
  buffer.insert(buffer.end(), more.begin(), more.end());
}

}  // namespace rosenpass::crypto
