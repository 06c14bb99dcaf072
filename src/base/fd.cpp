#include "rosenpass/base/fd.h"

#include <unistd.h>

namespace rosenpass::base {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

}  // namespace rosenpass::base
