// Writing whole buffers to descriptors.
#pragma once

#include <cstdint>
#include <span>

namespace rosenpass::base {

// Writes all of `bytes` to `fd`, retrying on EINTR and short writes. Returns 0, or the errno
// of the failing write (EIO if a write returned 0). A non-blocking fd may fail with EAGAIN.
int write_all(int fd, std::span<const uint8_t> bytes);

inline int write_all(int fd, std::span<const char> text) {
  return write_all(fd, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

}  // namespace rosenpass::base
