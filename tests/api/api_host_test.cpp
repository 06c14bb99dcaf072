// The daemon's API socket side with a fake handler: real unix sockets, no daemon process.
#include "rosenpass/daemon/api_host.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <thread>

#include "rosenpass/api/client.h"

namespace rosenpass::daemon {
namespace {

namespace fs = std::filesystem;

class FakeHandler final : public api::RequestHandler {
 public:
  std::atomic<int> fds_seen{-1};
  uint64_t supply_keypair(api::RequestFds& fds) override {
    int n = 0;
    for (auto& f : fds) n += f.valid();
    fds_seen = n;
    return api::status::kOk;
  }
  uint64_t add_listen_socket(api::RequestFds&) override { return api::status::kInvalidRequest; }
  uint64_t add_psk_broker(api::RequestFds&) override { return api::status::kInvalidRequest; }
  api::AddPeerResponse add_peer(const api::AddPeerRequest&, api::RequestFds&) override {
    return {};
  }
  uint64_t update_peer(const api::UpdatePeerRequest&, api::RequestFds&) override { return 0; }
  uint64_t remove_peer(const api::RemovePeerRequest&) override { return 0; }
  api::ListPeersResponse list_peers(const api::ListPeersRequest&) override { return {}; }
};

// Runs the host's side in a thread, as the daemon's event loop would.
class Pump {
 public:
  explicit Pump(ApiHost& h)
      : t_([this, &h] {
          while (!stop_) {
            pollfd p{h.epoll_fd(), POLLIN, 0};
            if (::poll(&p, 1, 10) > 0) h.on_ready();
          }
        }) {}
  ~Pump() {
    stop_ = true;
    t_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread t_;
};

fs::path temp_dir() {
  auto d = fs::temp_directory_path() / ("rp-api-host-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

api::PingRequest hello() {
  api::PingRequest q;
  std::memcpy(q.echo.data(), "Hello World", 11);
  return q;
}

bool ping_ok(api::Client& c) {
  auto r = c.call(hello(), {}, std::chrono::seconds(5));
  return r && std::get<api::PingResponse>(*r).echo == hello().echo;
}

// Reads until EOF or an error: the daemon closed the connection.
bool closed_by_peer(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 5000) <= 0) return false;
  char b[64];
  ssize_t n = ::recv(fd, b, sizeof b, 0);
  return n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE));
}

TEST(ApiHost, SocketFileIsPrivateRefusesExistingPathsAndIsRemovedAfterwards) {
  auto dir = temp_dir();
  FakeHandler h;
  ApiConfig cfg;
  cfg.listen_path = {(dir / "api.sock").string()};
  {
    auto host = ApiHost::create(cfg, h);
    ASSERT_TRUE(host) << host.error().chain();
    struct stat st {};
    ASSERT_EQ(::lstat(cfg.listen_path[0].c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    // Nothing else was left in the directory (the temporary bind directory is gone).
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
    Pump pump(**host);
    auto c = api::Client::connect(cfg.listen_path[0]);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_TRUE(ping_ok(*c));
    // A second host on the same path fails: the path exists.
    auto again = ApiHost::create(cfg, h);
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().chain().find("already exists"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(fs::symlink_status(cfg.listen_path[0])));
  // A dangling symlink at the path is not followed.
  auto target = dir / "elsewhere.sock";
  fs::create_symlink(target, cfg.listen_path[0]);
  EXPECT_FALSE(ApiHost::create(cfg, h));
  EXPECT_FALSE(fs::exists(target));
  fs::remove_all(dir);
}

// §5.6 / issue: 16 bytes of 0xFF close that connection; another connection's Ping answers.
TEST(ApiHost, GarbageClosesOnlyItsConnection) {
  int a[2], b[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, a), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, b), 0);
  FakeHandler h;
  ApiConfig cfg;
  cfg.stream_fd = {a[1], b[1]};
  auto host = ApiHost::create(cfg, h);
  ASSERT_TRUE(host) << host.error().chain();
  Pump pump(**host);
  std::vector<uint8_t> garbage(16, 0xFF);
  ASSERT_EQ(::send(a[0], garbage.data(), garbage.size(), MSG_NOSIGNAL), 16);
  EXPECT_TRUE(closed_by_peer(a[0]));
  ::close(a[0]);
  api::Client second{base::UniqueFd(b[0])};
  EXPECT_TRUE(ping_ok(second));
  EXPECT_TRUE(ping_ok(second));
}

// A client that sends requests but never reads the responses: the daemon's output backs up,
// it stops reading that connection, keeps serving others, and closes it after kStallTimeout.
TEST(ApiHost, AClientThatStopsReadingIsClosedWithoutBlockingOthers) {
  int a[2], b[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, a), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, b), 0);
  FakeHandler h;
  ApiConfig cfg;
  cfg.stream_fd = {a[1], b[1]};
  auto host = ApiHost::create(cfg, h);
  ASSERT_TRUE(host);
  Pump pump(**host);
  const auto ping = api::frame(api::encode_request(hello()));
  // Pipeline Pings until neither our send buffer nor the daemon's accepts more.
  std::size_t sent = 0;
  for (int stuck = 0; stuck < 5;) {
    ssize_t n = ::send(a[0], ping.data(), ping.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      stuck = 0;
      if (static_cast<std::size_t>(n) < ping.size()) {
        // Finish the frame later; only whole frames keep the stream meaningful.
        std::size_t rest = ping.size() - static_cast<std::size_t>(n);
        while (rest > 0) {
          ssize_t m =
              ::send(a[0], ping.data() + (ping.size() - rest), rest, MSG_DONTWAIT | MSG_NOSIGNAL);
          if (m > 0) {
            rest -= static_cast<std::size_t>(m);
            sent += static_cast<std::size_t>(m);
          } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (++stuck >= 5) break;
          }
        }
      }
      continue;
    }
    ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << std::strerror(errno);
    ++stuck;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GT(sent, 100 * ping.size());
  // Meanwhile another connection is served at once.
  api::Client other{base::UniqueFd(b[0])};
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(ping_ok(other));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  // After the stall limit the stalled connection is closed: reading drains to EOF.
  std::this_thread::sleep_for(ApiHost::kStallTimeout + std::chrono::seconds(2));
  std::vector<uint8_t> buf(1 << 16);
  bool eof = false;
  for (int i = 0; i < 10000 && !eof; ++i) {
    ssize_t n = ::recv(a[0], buf.data(), buf.size(), MSG_DONTWAIT);
    eof = n == 0 || (n < 0 && errno == ECONNRESET);
    if (n < 0 && errno == EAGAIN) break;
  }
  EXPECT_TRUE(eof);
  EXPECT_TRUE(ping_ok(other));
  ::close(a[0]);
}

TEST(ApiHost, TwoOfThreeFdsReachTheHandler) {
  int s[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s), 0);
  FakeHandler h;
  ApiConfig cfg;
  cfg.stream_fd = {s[1]};
  auto host = ApiHost::create(cfg, h);
  ASSERT_TRUE(host);
  Pump pump(**host);
  api::Client c{base::UniqueFd(s[0])};
  int fds[3] = {0, 1, 2};
  auto r = c.call(api::SupplyKeypairRequest{}, fds);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(std::get<api::StatusResponse>(*r).status, 0u);
  EXPECT_EQ(h.fds_seen.load(), 2);
}

TEST(ApiHost, InheritedFdsMustBeTheRightKindOfSocket) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  FakeHandler h;
  ApiConfig cfg;
  cfg.stream_fd = {p[0]};
  auto host = ApiHost::create(cfg, h);
  ASSERT_FALSE(host);
  EXPECT_NE(host.error().chain().find("not a connected unix stream"), std::string::npos);
  ::close(p[0]);
  ::close(p[1]);
}

}  // namespace
}  // namespace rosenpass::daemon
