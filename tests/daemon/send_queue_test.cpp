// The shell's send policy (#17 item 3) against a fake socket with a bounded send buffer:
// answers to possibly spoofed sources never take the room peer traffic needs, peer datagrams
// survive a full socket, and per-datagram log lines are rate-limited.
#include "rosenpass/daemon/send_queue.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "rosenpass/daemon/rate_limit.h"

namespace rosenpass::daemon {
namespace {

using namespace std::chrono_literals;
using Priority = Datagram::Priority;

// A kernel send buffer of `size` bytes that the "network" drains on demand.
class FakeSocket final : public SendQueue::Socket {
 public:
  explicit FakeSocket(std::size_t size) : size_(size) {}
  int send(const Datagram& d) override {
    if (error) return error;
    if (queued_ + d.bytes.size() > size_) return EAGAIN;
    queued_ += d.bytes.size();
    wire.push_back(d);
    return 0;
  }
  std::optional<Fill> fill() const override { return Fill{queued_, size_}; }
  void drain() { queued_ = 0; }

  std::vector<Datagram> wire;  // everything the kernel accepted, in order
  int error = 0;

 private:
  std::size_t size_;
  std::size_t queued_ = 0;
};

Datagram make(Priority p, uint8_t tag, std::size_t size = 1060) {
  Datagram d;
  d.priority = p;
  d.bytes.assign(size, tag);
  return d;
}

TEST(SendQueue, RepliesStopAtHalfTheBufferAndPeerTrafficStillFits) {
  FakeSocket sock(212992);  // Linux's default SO_SNDBUF
  SendQueue q;
  for (int i = 0; i < 10000; ++i) EXPECT_FALSE(q.offer(make(Priority::kReply, 1), sock));
  const std::size_t replies_sent = sock.wire.size();
  EXPECT_LE(replies_sent * 1060, 212992u / 2 + 1060);
  EXPECT_EQ(q.replies_dropped(), 10000u - replies_sent);
  // The flood of replies left room: the peer's datagram goes out at once.
  EXPECT_FALSE(q.offer(make(Priority::kPeer, 2), sock));
  ASSERT_EQ(sock.wire.back().bytes[0], 2);
  EXPECT_FALSE(q.waiting());
}

TEST(SendQueue, UnderAFullBufferRepliesAreDroppedAndPeerDatagramsDeliveredInOrder) {
  FakeSocket sock(4 * 1060);
  SendQueue q;
  for (uint8_t i = 0; i < 10; ++i) q.offer(make(Priority::kPeer, uint8_t(10 + i)), sock);
  EXPECT_EQ(sock.wire.size(), 4u);
  EXPECT_TRUE(q.waiting());  // six wait for writability
  for (int i = 0; i < 100; ++i) q.offer(make(Priority::kReply, 1), sock);
  EXPECT_EQ(q.replies_dropped(), 100u);
  while (q.waiting()) {
    sock.drain();
    EXPECT_TRUE(q.flush(sock).empty());
  }
  ASSERT_EQ(sock.wire.size(), 10u);
  for (uint8_t i = 0; i < 10; ++i) EXPECT_EQ(sock.wire[i].bytes[0], 10 + i);
  EXPECT_EQ(q.peer_dropped(), 0u);
}

TEST(SendQueue, ARefusedReplyIsCountedNotQueued) {
  FakeSocket sock(100);  // fill() says empty, but the datagram does not fit
  SendQueue q;
  EXPECT_FALSE(q.offer(make(Priority::kReply, 1, 200), sock));
  EXPECT_EQ(q.replies_dropped(), 1u);
  EXPECT_FALSE(q.waiting());
}

TEST(SendQueue, OtherErrorsGoBackToTheCaller) {
  FakeSocket sock(1 << 20);
  sock.error = ENETUNREACH;
  SendQueue q;
  auto f = q.offer(make(Priority::kPeer, 3), sock);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->error, ENETUNREACH);
  EXPECT_EQ(f->datagram.bytes[0], 3);
  EXPECT_FALSE(q.waiting());
}

TEST(SendQueue, AStuckSocketKeepsTheNewestPeerDatagrams) {
  FakeSocket sock(0);
  SendQueue q;
  const std::size_t n = SendQueue::kMaxQueued + 10;
  for (std::size_t i = 0; i < n; ++i) {
    auto d = make(Priority::kPeer, 0, 8);
    d.attempt = uint32_t(i);
    q.offer(std::move(d), sock);
  }
  EXPECT_EQ(q.peer_dropped(), 10u);
  FakeSocket open(1 << 20);
  q.flush(open);
  ASSERT_EQ(open.wire.size(), SendQueue::kMaxQueued);
  EXPECT_EQ(open.wire.front().attempt, 10u);
}

// The shell logs per-datagram events (drops, send errors) through RateLimit{20, 50}.
TEST(RateLimit, AFloodOfPerDatagramLinesIsBounded) {
  RateLimit lines(20, 50);
  uint64_t written = 0;
  for (int i = 0; i < 164000; ++i) {  // 164,000 events in 4 s (the -v flood of #17 item 3)
    if (lines.allow(protocol::Timestamp(std::chrono::microseconds(i * 4000000LL / 164000)))) {
      ++written;
    }
  }
  EXPECT_LE(written, 50u + 4 * 20u + 1);
  EXPECT_GE(written, 50u);
  EXPECT_EQ(lines.take_suppressed(), 164000u - written);
  EXPECT_EQ(lines.take_suppressed(), 0u);
}

}  // namespace
}  // namespace rosenpass::daemon
