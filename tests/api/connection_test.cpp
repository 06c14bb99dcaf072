// The sans-IO connection: framing, limits, one request at a time, fds per request.
#include "rosenpass/api/connection.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

namespace rosenpass::api {
namespace {

// Records what reached the handler; answers with fixed statuses.
class FakeHandler final : public RequestHandler {
 public:
  int calls = 0;
  std::vector<int> fd_counts;  // valid fds per call
  bool take_first_fd = false;
  base::UniqueFd taken;
  uint64_t supply_keypair(RequestFds& fds) override { return record(fds, 0); }
  uint64_t add_listen_socket(RequestFds& fds) override { return record(fds, 1); }
  uint64_t add_psk_broker(RequestFds& fds) override { return record(fds, 2); }
  AddPeerResponse add_peer(const AddPeerRequest&, RequestFds& fds) override {
    return {record(fds, status::kPeerExists), {}, {}};
  }
  uint64_t update_peer(const UpdatePeerRequest&, RequestFds& fds) override {
    return record(fds, status::kNoSuchPeer);
  }
  uint64_t remove_peer(const RemovePeerRequest&) override {
    ++calls;
    return status::kOk;
  }
  ListPeersResponse list_peers(const ListPeersRequest& r) override {
    ++calls;
    ListPeersResponse l;
    l.start = r.start;
    return l;
  }

 private:
  uint64_t record(RequestFds& fds, uint64_t s) {
    ++calls;
    int n = 0;
    for (auto& f : fds) n += f.valid();
    fd_counts.push_back(n);
    if (take_first_fd) taken = std::move(fds[0]);
    return s;
  }
};

std::vector<uint8_t> framed(const Request& r) {
  return frame(encode_request(r));
}

// Feeds bytes the way the socket side does: never more than input_capacity() at once.
void feed(Connection& c, std::span<const uint8_t> bytes, std::vector<base::UniqueFd> fds = {}) {
  bool first = true;
  while (!bytes.empty() && c.wants_input()) {
    std::size_t n = std::min(bytes.size(), c.input_capacity());
    c.on_input(bytes.first(n), first ? std::move(fds) : std::vector<base::UniqueFd>{});
    first = false;
    bytes = bytes.subspan(n);
  }
}

Response take_response(Connection& c) {
  auto out = c.output();
  EXPECT_GE(out.size(), 8u);
  uint64_t len = 0;
  for (int i = 0; i < 8; ++i) len |= uint64_t(out[i]) << (8 * i);
  EXPECT_EQ(len + 8, out.size());
  auto d = decode_response(out.subspan(8));
  c.on_written(out.size());
  return std::get<Response>(d);
}

bool is_open(int fd) {
  return ::fcntl(fd, F_GETFD) != -1;
}

TEST(ApiConnection, PingIsEchoedEvenWhenFedOneByteAtATime) {
  FakeHandler h;
  Connection c(h);
  PingRequest q;
  std::memcpy(q.echo.data(), "Hello World", 11);
  auto bytes = framed(q);
  for (uint8_t b : bytes) {
    ASSERT_TRUE(c.wants_input());
    c.on_input(std::span(&b, 1));
  }
  EXPECT_FALSE(c.wants_input());  // response pending: nothing more is read
  EXPECT_EQ(std::get<PingResponse>(take_response(c)).echo, q.echo);
  EXPECT_TRUE(c.wants_input());
  EXPECT_EQ(h.calls, 0);
}

TEST(ApiConnection, OversizedLengthClosesWithoutReadingMore) {
  FakeHandler h;
  Connection c(h);
  std::vector<uint8_t> garbage(16, 0xFF);  // §5.6's test input
  feed(c, garbage);
  EXPECT_TRUE(c.finished());
  EXPECT_NE(c.close_reason().find("exceeds 4096"), std::string::npos);
  EXPECT_EQ(h.calls, 0);
}

TEST(ApiConnection, LimitIsInclusiveOf4096) {
  FakeHandler h;
  Connection c(h);
  PingRequest q;
  auto payload = encode_request(q);
  payload.resize(4096, 0xEE);  // bytes after the message are ignored (§5.2)
  feed(c, frame(payload));
  EXPECT_FALSE(c.finished());
  take_response(c);
  payload.push_back(0);
  feed(c, frame(payload));
  EXPECT_TRUE(c.finished());
}

TEST(ApiConnection, UnknownTypeShortFrameAndZeroLengthClose) {
  for (auto payload :
       {std::vector<uint8_t>(16, 0x42), std::vector<uint8_t>(10, 0), std::vector<uint8_t>{}}) {
    FakeHandler h;
    Connection c(h);
    feed(c, frame(payload));
    EXPECT_TRUE(c.finished()) << payload.size();
    EXPECT_TRUE(c.output().empty());
    EXPECT_EQ(h.calls, 0);
  }
  // A Ping cut short inside its frame.
  FakeHandler h;
  Connection c(h);
  auto b = encode_request(PingRequest{});
  b.resize(100);
  feed(c, frame(b));
  EXPECT_TRUE(c.finished());
}

TEST(ApiConnection, EofInsideAFrameCloses) {
  FakeHandler h;
  Connection c(h);
  auto b = framed(PingRequest{});
  feed(c, std::span(b).first(20));
  EXPECT_FALSE(c.finished());
  c.on_eof();
  EXPECT_TRUE(c.finished());
  EXPECT_EQ(h.calls, 0);
}

TEST(ApiConnection, UpToTwoFdsGoWithARequestAndAreClosedAfterwards) {
  FakeHandler h;
  Connection c(h);
  std::vector<base::UniqueFd> fds;
  std::vector<int> raw;
  for (int i = 0; i < 3; ++i) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    ::close(p[1]);
    raw.push_back(p[0]);
    fds.emplace_back(p[0]);
  }
  feed(c, framed(SupplyKeypairRequest{}), std::move(fds));
  ASSERT_EQ(h.fd_counts, std::vector<int>{2});
  for (int fd : raw) EXPECT_FALSE(is_open(fd)) << fd;  // surplus and used ones closed
  auto s = std::get<StatusResponse>(take_response(c));
  EXPECT_EQ(s.type, MessageType::kSupplyKeypairResponse);
  EXPECT_EQ(s.status, 0u);
  // A request without fds gets none (nothing carried over).
  feed(c, framed(AddListenSocketRequest{}));
  EXPECT_EQ(h.fd_counts.back(), 0);
  EXPECT_EQ(std::get<StatusResponse>(take_response(c)).status, 1u);
}

TEST(ApiConnection, AHandlerMayKeepAnFd) {
  FakeHandler h;
  h.take_first_fd = true;
  Connection c(h);
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ::close(p[1]);
  std::vector<base::UniqueFd> fds;
  fds.emplace_back(p[0]);
  feed(c, framed(AddPskBrokerRequest{}), std::move(fds));
  EXPECT_TRUE(is_open(p[0]));
  EXPECT_EQ(h.taken.get(), p[0]);
  EXPECT_EQ(std::get<StatusResponse>(take_response(c)).type, MessageType::kAddPskBrokerResponse);
}

TEST(ApiConnection, ResponsesToExtensionsCarryTheirTypes) {
  FakeHandler h;
  Connection c(h);
  feed(c, framed(AddPeerRequest{}));
  EXPECT_EQ(std::get<AddPeerResponse>(take_response(c)).status, status::kPeerExists);
  feed(c, framed(UpdatePeerRequest{}));
  auto u = std::get<StatusResponse>(take_response(c));
  EXPECT_EQ(u.type, MessageType::kUpdatePeerResponse);
  EXPECT_EQ(u.status, status::kNoSuchPeer);
  feed(c, framed(RemovePeerRequest{}));
  EXPECT_EQ(std::get<StatusResponse>(take_response(c)).type, MessageType::kRemovePeerResponse);
  feed(c, framed(ListPeersRequest{7}));
  EXPECT_EQ(std::get<ListPeersResponse>(take_response(c)).start, 7u);
}

TEST(ApiConnection, PartialWritesKeepTheRestAndBlockInput) {
  FakeHandler h;
  Connection c(h);
  feed(c, framed(PingRequest{}));
  auto total = c.output().size();
  c.on_written(100);
  EXPECT_EQ(c.output().size(), total - 100);
  EXPECT_FALSE(c.wants_input());
  EXPECT_EQ(c.input_capacity(), 0u);
  c.on_written(total - 100);
  EXPECT_TRUE(c.wants_input());
  EXPECT_EQ(c.input_capacity(), 8u);
}

}  // namespace
}  // namespace rosenpass::api
