#include "rosenpass/daemon/udp_sockets.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <vector>
#include <thread>

namespace rosenpass::daemon {
namespace {

TEST(UdpSockets, DefaultIsOneDualStackEphemeralSocketOrTwo) {
  auto socks = bind_listen_sockets({});
  ASSERT_TRUE(socks.ok()) << socks.error().chain();
  ASSERT_GE(socks->size(), 1u);
  EXPECT_NE((*socks)[0].local_address().port(), 0);
  bool reaches_v4 = false, reaches_v6 = false;
  auto v4 = *SocketAddress::parse_literal("127.0.0.1:9");
  auto v6 = *SocketAddress::parse_literal("[::1]:9");
  for (const auto& s : *socks) {
    reaches_v4 = reaches_v4 || s.can_reach(v4);
    reaches_v6 = reaches_v6 || s.can_reach(v6);
  }
  EXPECT_TRUE(reaches_v4);
  EXPECT_TRUE(reaches_v6);
}

TEST(UdpSockets, PortInUseNamesTheAddressAndOsError) {
  auto first = bind_listen_sockets(std::vector{*SocketAddress::parse_literal("127.0.0.1:0")});
  ASSERT_TRUE(first.ok());
  auto taken = (*first)[0].local_address();
  auto second = bind_listen_sockets(std::vector{taken});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().chain().find("Address already in use (os error 98)"), std::string::npos);
  EXPECT_NE(second.error().chain().find(taken.to_string()), std::string::npos);
}

TEST(UdpSockets, DualStackSocketSendsToIPv4AsMapped) {
  auto rx = bind_listen_sockets(std::vector{*SocketAddress::parse_literal("127.0.0.1:0")});
  auto tx = bind_listen_sockets(std::vector{*SocketAddress::parse_literal("[::]:0")});
  ASSERT_TRUE(rx.ok() && tx.ok());
  if ((*tx)[0].v6_only()) GTEST_SKIP() << "IPv6 sockets are v6-only on this host";
  const std::array<uint8_t, 3> msg = {1, 2, 3};
  ASSERT_EQ((*tx)[0].send_to(msg, (*rx)[0].local_address()), 0);
  std::array<uint8_t, 16> buf{};
  SocketAddress from;
  std::optional<std::size_t> n;
  for (int i = 0; i < 100 && !n; ++i) {
    n = (*rx)[0].receive(buf, from);
    if (!n) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(n, 3u);
  EXPECT_EQ(buf[2], 3);
}

// The event loop's receive path: one recvmmsg takes what is queued, in order, with each
// sender and real length; fewer than kCapacity means the queue is empty.
TEST(UdpSockets, ReceiveBatchTakesQueuedDatagramsInOrder) {
  auto rx = bind_listen_sockets(std::vector{*SocketAddress::parse_literal("127.0.0.1:0")});
  auto tx = bind_listen_sockets(std::vector{*SocketAddress::parse_literal("127.0.0.1:0")});
  ASSERT_TRUE(rx.ok() && tx.ok());
  auto batch = std::make_unique<ReceiveBatch>();
  EXPECT_EQ((*rx)[0].receive_batch(*batch), 0u);  // nothing queued: no error, no wait
  const std::size_t sent = ReceiveBatch::kCapacity + 3;
  for (std::size_t i = 0; i < sent; ++i) {
    std::vector<uint8_t> msg(i + 1, static_cast<uint8_t>(i));
    ASSERT_EQ((*tx)[0].send_to(msg, (*rx)[0].local_address()), 0);
  }
  // Loopback delivers during sendto; allow a moment anyway.
  std::size_t got = 0;
  for (int i = 0; i < 100 && got == 0; ++i) {
    got = (*rx)[0].receive_batch(*batch);
    if (got == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(got, ReceiveBatch::kCapacity);
  for (std::size_t i = 0; i < got; ++i) {
    ASSERT_EQ(batch->datagram(i).size(), i + 1);
    EXPECT_EQ(batch->datagram(i)[i], static_cast<uint8_t>(i));
    EXPECT_TRUE(batch->from[i] == (*tx)[0].local_address());
  }
  ASSERT_EQ((*rx)[0].receive_batch(*batch), 3u);
  EXPECT_EQ(batch->datagram(2).size(), ReceiveBatch::kCapacity + 3);
  EXPECT_EQ((*rx)[0].receive_batch(*batch), 0u);
}

TEST(UdpSockets, ReceiveBatchCutsAnOversizeDatagramToItsBuffer) {
  auto rx = bind_listen_sockets(std::vector{*SocketAddress::parse_literal("127.0.0.1:0")});
  auto tx = bind_listen_sockets(std::vector{*SocketAddress::parse_literal("127.0.0.1:0")});
  ASSERT_TRUE(rx.ok() && tx.ok());
  auto batch = std::make_unique<ReceiveBatch>();
  std::vector<uint8_t> big(batch->bytes[0].size() + 100, 7);
  ASSERT_EQ((*tx)[0].send_to(big, (*rx)[0].local_address()), 0);
  std::size_t got = 0;
  for (int i = 0; i < 100 && got == 0; ++i) {
    got = (*rx)[0].receive_batch(*batch);
    if (got == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(got, 1u);
  EXPECT_EQ(batch->datagram(0).size(), batch->bytes[0].size());
}

}  // namespace
}  // namespace rosenpass::daemon
