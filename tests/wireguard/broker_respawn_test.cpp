// A spawned PSK broker that dies (parity 43, issue #16) is noticed at once through the sink's
// watch_fd(), reaped, reported, restarted with back-off, and given the newest key again. The
// "broker" here is `cat` appending every frame it receives on fd 3 to a file.
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "rosenpass/crypto/random.h"
#include "rosenpass/wireguard/broker_psk_sink.h"

namespace rosenpass::wireguard {
namespace {

using Lifecycle = BrokerPskSink::Lifecycle;
constexpr std::size_t kFrame = broker::kFrameHeaderSize + broker::kSetPskRequestSize;

struct Dir {
  std::filesystem::path path;
  Dir() {
    char tmpl[] = "/tmp/rp-respawn-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~Dir() { std::filesystem::remove_all(path); }
};

std::string read_all(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::string frame_for(const WireGuardPeerTarget& t, const crypto::Secret<32>& key) {
  broker::SetPskRequest req{crypto::Secret<32>::from(key.reveal()), t.peer, t.device};
  auto payload = broker::encode_request(req);
  auto header = broker::encode_frame_header(payload->size());
  std::string out(reinterpret_cast<const char*>(header.data()), header.size());
  out.append(reinterpret_cast<const char*>(payload->data()), payload->size());
  return out;
}

// Waits (bounded) until `file` holds `frames` frames.
bool wait_frames(const std::filesystem::path& file, std::size_t frames) {
  for (int i = 0; i < 300; ++i) {
    if (read_all(file).size() >= frames * kFrame) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Polls the watch fd like an event loop and runs on_ready until `done` (bounded).
template <typename F>
bool run_loop_until(BrokerPskSink& sink, F done, int timeout_ms = 5000) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    end - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd p{sink.watch_fd(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) == 1) sink.on_ready(std::chrono::steady_clock::now());
  }
  return true;
}

class BrokerRespawn : public ::testing::Test {
 protected:
  void SetUp() override {
    frames_ = dir_.path / "frames";
    auto r = BrokerPskSink::spawn({"sh", "-c", "exec cat <&3 >> '" + frames_.string() + "'"});
    ASSERT_TRUE(r.ok());
    sink_ = std::move(*r);
    sink_->on_lifecycle([this](Lifecycle l, const std::string& m) { events_.emplace_back(l, m); });
    target_.device = "wg0";
    crypto::system_random().fill(target_.peer);
  }
  int count(Lifecycle l) const {
    int n = 0;
    for (const auto& e : events_) n += e.first == l;
    return n;
  }
  Dir dir_;
  std::filesystem::path frames_;
  std::unique_ptr<BrokerPskSink> sink_;
  std::vector<std::pair<Lifecycle, std::string>> events_;
  WireGuardPeerTarget target_;
};

TEST_F(BrokerRespawn, DeadBrokerIsNoticedReapedRestartedAndGetsTheNewestKeyAgain) {
  const int watch = sink_->watch_fd();
  ASSERT_GE(watch, 0);
  auto key1 = crypto::Secret<32>::random(crypto::system_random());
  auto key2 = crypto::Secret<32>::random(crypto::system_random());
  ASSERT_TRUE(sink_->install(target_, key1.reveal()).ok());
  ASSERT_TRUE(sink_->install(target_, key2.reveal()).ok());
  ASSERT_TRUE(wait_frames(frames_, 2));

  const pid_t first = sink_->child_pid();
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  // Noticed at once: the watch fd becomes readable without any key event.
  pollfd p{watch, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 2000), 1);
  ASSERT_TRUE(run_loop_until(*sink_, [&] { return count(Lifecycle::kExited) == 1; }));
  EXPECT_NE(events_.at(0).second.find("killed by signal 9"), std::string::npos)
      << events_.at(0).second;
  errno = 0;
  EXPECT_EQ(::waitpid(first, nullptr, WNOHANG), -1) << "the dead broker must be reaped";
  EXPECT_EQ(errno, ECHILD);

  // Restarted after the back-off, through the same watch fd; the newest key is sent again.
  ASSERT_TRUE(run_loop_until(*sink_, [&] { return sink_->restarts() == 1; }));
  EXPECT_EQ(count(Lifecycle::kRestarted), 1);
  EXPECT_NE(sink_->child_pid(), first);
  EXPECT_EQ(sink_->watch_fd(), watch);
  ASSERT_TRUE(wait_frames(frames_, 3));
  std::string all = read_all(frames_);
  EXPECT_EQ(all.substr(2 * kFrame, kFrame), frame_for(target_, key2));
}

TEST_F(BrokerRespawn, KeysWhileTheBrokerIsDownAreNoFailureAndAreDeliveredLater) {
  ASSERT_TRUE(sink_->install(target_, crypto::Secret<32>::random(crypto::system_random()).reveal())
                  .ok());
  ASSERT_TRUE(wait_frames(frames_, 1));
  ::kill(sink_->child_pid(), SIGKILL);
  ASSERT_TRUE(run_loop_until(*sink_, [&] { return count(Lifecycle::kExited) == 1; }));
  auto key = crypto::Secret<32>::random(crypto::system_random());
  auto r = sink_->install(target_, key.reveal());
  EXPECT_TRUE(r.ok()) << r.error().message;  // not an event-loop failure
  ASSERT_TRUE(run_loop_until(*sink_, [&] { return sink_->restarts() == 1; }));
  ASSERT_TRUE(wait_frames(frames_, 2));
  EXPECT_EQ(read_all(frames_).substr(kFrame, kFrame), frame_for(target_, key));
}

TEST_F(BrokerRespawn, KeyEventsAloneDriveTheRestartWhenTheLoopDoesNotWatch) {
  std::vector<std::string> errors;
  sink_->on_lifecycle(nullptr);
  sink_->on_error([&](const std::string& m) { errors.push_back(m); });
  ASSERT_TRUE(sink_->install(target_, crypto::Secret<32>::random(crypto::system_random()).reveal())
                  .ok());
  ASSERT_TRUE(wait_frames(frames_, 1));
  const pid_t first = sink_->child_pid();
  ::kill(first, SIGKILL);
  ::usleep(100'000);
  // No on_ready() calls: only key events, every 100 ms, for at most 3 s.
  auto key = crypto::Secret<32>::random(crypto::system_random());
  for (int i = 0; i < 30 && sink_->restarts() == 0; ++i) {
    key = crypto::Secret<32>::random(crypto::system_random());
    ASSERT_TRUE(sink_->install(target_, key.reveal()).ok());
    ::usleep(100'000);
  }
  ASSERT_EQ(sink_->restarts(), 1);
  ASSERT_TRUE(wait_frames(frames_, 2));
  EXPECT_EQ(read_all(frames_).substr(kFrame, kFrame), frame_for(target_, key));
  ASSERT_GE(errors.size(), 2u);  // reported through the error handler
  EXPECT_NE(errors[0].find("killed by signal 9"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("restarted"), std::string::npos) << errors[1];
}

// Under a seccomp filter (the daemon confines itself after start-up) the sink tries no new
// system call (pidfd_open): the broker socket's end of file tells of the death instead.
TEST(BrokerRespawnConfined, DeathIsNoticedThroughTheSocketUnderSeccomp) {
  Dir dir;
  const auto frames = dir.path / "frames";
  pid_t pid = ::fork();
  if (pid == 0) {
    // An allow-everything filter: enough to put the process in seccomp filter mode.
    sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    sock_fprog prog{1, &allow};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
      ::_exit(90);
    }
    auto r = BrokerPskSink::spawn({"sh", "-c", "exec cat <&3 >> '" + frames.string() + "'"});
    if (!r.ok()) ::_exit(1);
    auto sink = std::move(*r);
    WireGuardPeerTarget t{"wg0", {}, {}};
    auto key = crypto::Secret<32>::random(crypto::system_random());
    if (!sink->install(t, key.reveal()).ok() || !wait_frames(frames, 1)) ::_exit(2);
    const pid_t first = sink->child_pid();
    ::kill(first, SIGKILL);
    pollfd p{sink->watch_fd(), POLLIN, 0};
    if (::poll(&p, 1, 2000) != 1) ::_exit(3);  // noticed at once, through the socket
    if (!run_loop_until(*sink, [&] { return sink->restarts() == 1; })) ::_exit(4);
    if (!wait_frames(frames, 2) || read_all(frames).substr(kFrame, kFrame) != frame_for(t, key)) {
      ::_exit(5);
    }
    errno = 0;
    if (::waitpid(first, nullptr, WNOHANG) != -1 || errno != ECHILD) ::_exit(6);
    ::_exit(0);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  if (WIFEXITED(st) && WEXITSTATUS(st) == 90) GTEST_SKIP() << "seccomp unavailable";
  ASSERT_TRUE(WIFEXITED(st)) << "killed by signal " << WTERMSIG(st);
  EXPECT_EQ(WEXITSTATUS(st), 0) << "2: first key, 3: death not noticed, 4: no restart, "
                                   "5: key not resent, 6: not reaped";
}

TEST(BrokerRespawnBackoff, ABrokerThatKeepsDyingIsRestartedWithGrowingDelays) {
  auto r = BrokerPskSink::spawn({"sh", "-c", "exit 3"});
  ASSERT_TRUE(r.ok());
  auto sink = std::move(*r);
  std::vector<std::string> exits;
  sink->on_lifecycle([&](Lifecycle l, const std::string& m) {
    if (l == Lifecycle::kExited) exits.push_back(m);
  });
  ASSERT_TRUE(run_loop_until(*sink, [&] { return exits.size() >= 3; }, 8000));
  EXPECT_NE(exits[0].find("exited with status 3; restarting it in 0.2 s"), std::string::npos)
      << exits[0];
  EXPECT_NE(exits[1].find("restarting it in 0.4 s"), std::string::npos) << exits[1];
  EXPECT_NE(exits[2].find("restarting it in 0.8 s"), std::string::npos) << exits[2];
}

TEST(BrokerRespawnOther, ConnectedBrokersHaveAWatchFdButNoRestart) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  auto sink = BrokerPskSink::from_fd(sv[0]);
  std::vector<std::string> errors;
  sink->on_error([&](const std::string& m) { errors.push_back(m); });
  ASSERT_GE(sink->watch_fd(), 0);
  ::close(sv[1]);
  ASSERT_TRUE(run_loop_until(*sink, [&] { return !errors.empty(); }, 2000));
  EXPECT_EQ(errors[0], "PSK broker closed the connection");
  EXPECT_EQ(sink->restarts(), 0);
  // The closed connection no longer wakes the loop.
  pollfd p{sink->watch_fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 100), 0);
}

}  // namespace
}  // namespace rosenpass::wireguard
