#include "rosenpass/base/io.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace rosenpass::base {

namespace {

// The one loop: `step` writes from an offset into the buffer and returns write()'s result.
template <class Step>
int write_loop(std::span<const uint8_t> bytes, Step step) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = step(done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

int write_all(int fd, std::span<const uint8_t> bytes) {
  return write_loop(bytes, [&](std::size_t done) {
    return ::write(fd, bytes.data() + done, bytes.size() - done);
  });
}

int send_all(int fd, std::span<const uint8_t> bytes) {
  return write_loop(bytes, [&](std::size_t done) {
    return ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
  });
}

int pwrite_all(int fd, std::span<const uint8_t> bytes, off_t offset) {
  return write_loop(bytes, [&](std::size_t done) {
    return ::pwrite(fd, bytes.data() + done, bytes.size() - done,
                    offset + static_cast<off_t>(done));
  });
}

}  // namespace rosenpass::base
