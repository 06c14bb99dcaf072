// Writing whole buffers to descriptors.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>

namespace rosenpass::base {

// Writes all of `bytes` to `fd`, retrying on EINTR and short writes. Returns 0, or the errno
// of the failing write (EIO if a write returned 0). A non-blocking fd may fail with EAGAIN.
int write_all(int fd, std::span<const uint8_t> bytes);

inline int write_all(int fd, std::span<const char> text) {
  return write_all(fd, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

// write_all for a socket: send() with MSG_NOSIGNAL, so a peer that went away is EPIPE
// rather than a SIGPIPE. Same results as write_all.
int send_all(int fd, std::span<const uint8_t> bytes);

inline int send_all(int fd, std::span<const char> text) {
  return send_all(fd, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

// write_all at file offset `offset` onwards (pwrite; the fd's own offset is unchanged).
int pwrite_all(int fd, std::span<const uint8_t> bytes, off_t offset);

inline int pwrite_all(int fd, std::span<const char> text, off_t offset) {
  return pwrite_all(fd, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
                    offset);
}

}  // namespace rosenpass::base
