#include "rosenpass/base/io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <thread>
#include <vector>

namespace rosenpass::base {
namespace {

// 1 MiB through a 64 KiB pipe: write() returns short counts, write_all must finish the job.
TEST(WriteAll, ShortWritesThroughAPipe) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  std::vector<uint8_t> data(1 << 20);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + (i >> 9));
  std::vector<uint8_t> got;
  std::thread reader([&] {
    uint8_t buf[3000];  // odd sizes: the writer sees partial progress
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) > 0) got.insert(got.end(), buf, buf + n);
  });
  EXPECT_EQ(write_all(p[1], std::span<const uint8_t>(data)), 0);
  ::close(p[1]);
  reader.join();
  ::close(p[0]);
  EXPECT_EQ(got, data);
}

TEST(WriteAll, ReportsTheErrno) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
  std::vector<uint8_t> big(1 << 20, 1);
  EXPECT_EQ(write_all(p[1], std::span<const uint8_t>(big)), EAGAIN);  // full pipe
  ::close(p[0]);
  auto old = ::signal(SIGPIPE, SIG_IGN);
  EXPECT_EQ(write_all(p[1], std::span<const char>("x", 1)), EPIPE);  // no reader
  ::signal(SIGPIPE, old);
  ::close(p[1]);
  EXPECT_EQ(write_all(-1, std::span<const char>("x", 1)), EBADF);
  EXPECT_EQ(write_all(-1, std::span<const char>()), 0);  // nothing to write
}

}  // namespace
}  // namespace rosenpass::base
