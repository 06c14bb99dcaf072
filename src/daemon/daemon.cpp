// The daemon's event loop: a thin shell around daemon::Runtime. It owns the sockets, the
// signal and timer descriptors and the clock; every decision is the Runtime's.
#include "rosenpass/daemon/daemon.h"

#include <sys/epoll.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <unordered_set>

#include "rosenpass/daemon/api_handler.h"
#include "rosenpass/daemon/api_host.h"
#include "rosenpass/daemon/debug_quote.h"
#include "rosenpass/daemon/key_files.h"
#include "rosenpass/daemon/logging.h"
#include "rosenpass/daemon/rate_limit.h"
#include "rosenpass/daemon/runtime.h"
#include "rosenpass/daemon/send_queue.h"
#include "rosenpass/daemon/udp_sockets.h"

namespace rosenpass::daemon {
namespace {

namespace proto = rosenpass::protocol;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kSignalTag = ~uint64_t{0};
constexpr uint64_t kTimerTag = ~uint64_t{0} - 1;
constexpr uint64_t kApiTag = ~uint64_t{0} - 2;  // the control API's epoll fd (api_host.h)
constexpr uint64_t kWatchTag = uint64_t{1} << 32;  // + index into DaemonHooks::watches
// Adding a peer is cheap (its ids are hashed later, a few per poll), but each added peer
// initiates at once (~2 ms of CPU): with thousands of peers they are added a batch per loop
// iteration, so answers are handled in between and the first InitHellos leave at once. One
// at start: the first poll sends everything it made at the end, so 32 peers added at start
// held the first InitHello back by 31 initiations.
constexpr std::size_t kPeersAddedAtStart = 1;
constexpr std::size_t kPeersAddedPerIteration = 16;
// Pacing of those first initiations (never of rekeys or retransmissions; nothing changes on
// the wire): at most this many peers whose first InitHello left less than kFirstAnswerWindow
// ago and who have not keyed yet. A responder works ~3 ms on each InitHello it gets, a
// retransmitted one included, and the first retransmission comes 0.25-0.5 s after the
// InitHello (protocol.md §12.2): thousands of InitHellos sent at once to responders that
// share machines (or to one slow hub) queue up there, get retransmitted while they wait and
// cost those responders twice. A peer that has not answered within the window (offline,
// slow) no longer holds the others back: with every peer offline, 64 first InitHellos leave
// per second, beside the ~3.5 ms of CPU each one costs here.
constexpr std::size_t kFirstInitiationsInFlight = 32;
constexpr Timestamp kFirstAnswerWindow = std::chrono::milliseconds(500);

// A UDP socket as the send policy sees it (send_queue.h).
class PolicySocket final : public SendQueue::Socket {
 public:
  explicit PolicySocket(const UdpSocket& s) : s_(s) {}
  int send(const Datagram& d) override { return s_.send_to(d.bytes, d.to); }
  std::optional<Fill> fill() const override {
    int queued = 0, size = 0;
    socklen_t len = sizeof size;
    if (::ioctl(s_.fd(), SIOCOUTQ, &queued) != 0 ||
        ::getsockopt(s_.fd(), SOL_SOCKET, SO_SNDBUF, &size, &len) != 0) {
      return std::nullopt;
    }
    return Fill{std::size_t(queued), std::size_t(size)};
  }

 private:
  const UdpSocket& s_;
};

// Peer datagrams a full socket could not take yet, sent in order once it is writable.
struct SocketQueue {
  SendQueue queue;
  bool want_out = false;
};

class Shell final : public ApiShell {
 public:
  Shell(Config cfg, const DaemonHooks& hooks) : cfg_(std::move(cfg)), hooks_(hooks) {}
  ~Shell() {
    for (int fd : {signal_fd_, timer_fd_, epoll_fd_}) {
      if (fd >= 0) ::close(fd);
    }
  }

  int run() {
    if (auto st = start(); !st) {
      log_error(st.error().chain());
      return 1;
    }
    return loop();
  }

 private:
  Status start();
  Status create_runtime(protocol::PublicKeyRef pk, protocol::mceliece::SecretKey sk);
  Status setup_signals();
  Status add_peers();
  Status add_deferred_peers(std::size_t count);
  int loop();
  // ApiShell: what the control API asks of the event loop.
  Timestamp now() const override {
    return std::chrono::duration_cast<Timestamp>(Clock::now() - epoch_);
  }
  Runtime* runtime() override { return runtime_.get(); }
  uint64_t replies_not_sent() const override { return replies_dropped(); }
  Status start_with_keypair(protocol::PublicKeyRef pk, protocol::mceliece::SecretKey sk) override;
  Status add_udp_socket(base::UniqueFd socket) override;
  Status use_psk_broker(base::UniqueFd broker) override;
  const SinkFactories& sink_factories() const override { return hooks_.sinks; }
  void process(Output output) override {
    apply(std::move(output));
    due_ = true;
  }
  void apply(Output out);  // sends datagrams, handles events, arms the timer
  void send(Datagram d);
  void on_failed(std::size_t si, SendQueue::Failed f);
  void flush(std::size_t si);
  void want_writable(std::size_t si, bool want);
  void on_event(const RuntimeEvent& e);
  void receive_from(std::size_t si);
  void arm_timer(Timestamp at);
  void log_drop_counts() const;
  int wait_timeout_ms() const;
  void warn_send(std::size_t si, const SocketAddress& to, int err);

  Config cfg_;
  const DaemonHooks& hooks_;
  Clock::time_point epoch_ = Clock::now();
  std::unique_ptr<Runtime> runtime_;
  std::vector<UdpSocket> sockets_;
  std::vector<SocketQueue> queues_;
  int signal_fd_ = -1;
  int timer_fd_ = -1;
  int epoll_fd_ = -1;
  bool fatal_ = false;
  bool verbose_ = false;
  Timestamp armed_at_{-1};
  bool due_ = true;  // poll the runtime before the next wait
  std::unique_ptr<ApiRequestHandler> api_handler_;
  std::unique_ptr<ApiHost> api_host_;
  uint64_t replies_dropped() const {
    uint64_t n = 0;
    for (const auto& q : queues_) n += q.queue.replies_dropped();
    return n;
  }
  std::deque<PeerSpec> deferred_;  // loaded and checked, added by the loop
  std::size_t next_deferred_ = 0;
  // Peers added from deferred_ within kFirstAnswerWindow, and those of them not keyed yet.
  std::deque<std::pair<Timestamp, PeerRef>> first_sent_;
  std::unordered_set<uint64_t> first_unanswered_;
  std::size_t first_initiation_room();
  int first_window_timeout_ms() const;
  Clock::time_point t_peers_;
  RateLimit datagram_log_{20, 50};  // per-datagram lines: 20/s, bursts of 50
  std::unique_ptr<ReceiveBatch> batch_ = std::make_unique<ReceiveBatch>();  // 32 KiB, reused
};

Status Shell::start() {
  // 1. Own keys; without them (control API configured) the daemon idles until
  // SupplyKeypair: it ignores UDP and sends nothing (§5.4).
  std::optional<std::pair<protocol::PublicKeyRef, protocol::mceliece::SecretKey>> keys;
  if (cfg_.keypair) {
    auto sk = load_secret_key(cfg_.keypair->secret_key);
    if (!sk) return sk.error();
    // A v0.2.x secret-key layout was already reported by validation (one warning, one wording).
    auto pk = load_public_key(cfg_.keypair->public_key);
    if (!pk) return pk.error();
    keys.emplace(*pk, std::move(sk->key));
  } else if (cfg_.api.empty()) {
    return make_error("Server keypair missing.");
  }
  // 2. Signals.
  if (auto st = setup_signals(); !st) return st;
  // 3. Sockets, UDP and the control API's (before privileges go: /run may need them).
  auto socks = bind_listen_sockets(cfg_.listen);
  if (!socks) return socks.error();
  sockets_ = std::move(*socks);
  queues_.resize(sockets_.size());
  for (const auto& s : sockets_) log_debug("listening on " + s.local_address().to_string());
  if (!cfg_.api.empty()) {
    api_handler_ = std::make_unique<ApiRequestHandler>(*this);
    auto host = ApiHost::create(cfg_.api, *api_handler_);
    if (!host) return host.error();
    api_host_ = std::move(*host);
  }
  verbose_ = cfg_.verbosity == Verbosity::kVerbose;
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (epoll_fd_ < 0 || timer_fd_ < 0) return make_error("epoll_create1/timerfd_create failed");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kSignalTag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, signal_fd_, &ev);
  ev.data.u64 = kTimerTag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &ev);
  if (api_host_) {
    ev.data.u64 = kApiTag;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, api_host_->epoll_fd(), &ev);
  }
  for (std::size_t i = 0; i < sockets_.size(); ++i) {
    ev.data.u64 = i;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, sockets_[i].fd(), &ev);
  }
  for (std::size_t i = 0; i < hooks_.watches.size(); ++i) {
    ev.data.u64 = kWatchTag + i;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, hooks_.watches[i].fd, &ev);
  }
  if (!keys) {
    log_info("no keypair configured; waiting for one through the control API");
  } else if (auto st = create_runtime(std::move(keys->first), std::move(keys->second)); !st) {
    return st;
  }
  // Last: keys and PSK files are read, sockets bound (the control API's too: /run may need
  // root) and endpoints resolved by now, so the confinement (user, capabilities, seccomp)
  // only has to allow the event loop, the control API and key output.
  if (hooks_.drop_privileges) {
    if (auto st = hooks_.drop_privileges(); !st) return st;
  }
  return ok_status();
}

Status Shell::create_runtime(protocol::PublicKeyRef pk, protocol::mceliece::SecretKey sk) {
  RuntimeConfig rc{std::move(pk), std::move(sk), {}};
  for (const auto& s : sockets_) rc.options.listeners.push_back({s.family(), s.v6_only()});
  rc.options.report_drops = verbose_ && log_enabled(LogLevel::kInfo);
  auto rt = Runtime::create(std::move(rc));
  if (!rt) return rt.error();
  runtime_ = std::move(*rt);
  // 5./6. Peers with their sinks: all loaded and checked now, the first added now.
  t_peers_ = Clock::now();
  if (auto st = add_peers(); !st) {
    runtime_.reset();
    return st;
  }
  due_ = true;
  return ok_status();
}

Status Shell::start_with_keypair(protocol::PublicKeyRef pk, protocol::mceliece::SecretKey sk) {
  if (runtime_) return make_error("a keypair is already in use");
  return create_runtime(std::move(pk), std::move(sk));
}

Status Shell::add_udp_socket(base::UniqueFd socket) {
  auto s = UdpSocket::adopt(socket.release());
  if (!s) return s.error();
  const std::size_t si = sockets_.size();
  log_debug("listening on " + s->local_address().to_string() + " (socket from the control API)");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = si;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, s->fd(), &ev) != 0) {
    return make_error(std::string("could not watch the socket: ") + std::strerror(errno));
  }
  if (runtime_) runtime_->add_listener({s->family(), s->v6_only()});
  sockets_.push_back(std::move(*s));
  queues_.emplace_back();
  return ok_status();
}

Status Shell::use_psk_broker(base::UniqueFd broker) {
  if (!hooks_.use_psk_broker) return make_error("this build cannot deliver WireGuard PSKs");
  return hooks_.use_psk_broker(broker.release());
}

Status Shell::setup_signals() {
  // SIGPIPE would kill us when stdout is a closed pipe; the write error is handled instead.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGQUIT);
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) return make_error("sigprocmask failed");
  signal_fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return make_error("signalfd failed");
  return ok_status();
}

Status Shell::add_peers() {
  for (std::size_t i = 0; i < cfg_.peers.size(); ++i) {
    auto spec = load_peer(cfg_.peers[i], i, hooks_.sinks);
    if (!spec) return spec.error();
    cfg_.peers[i].mapped_public_key.reset();  // the peer holds it now; unmapped when it goes
    deferred_.push_back(std::move(*spec));
  }
  return add_deferred_peers(kPeersAddedAtStart);
}

Status Shell::add_deferred_peers(std::size_t count) {
  for (; count > 0 && next_deferred_ < deferred_.size(); --count) {
    const Timestamp t = now();
    auto ref = runtime_->add_peer(std::move(deferred_[next_deferred_++]), t);
    if (!ref) return ref.error();
    first_sent_.emplace_back(t, *ref);
    first_unanswered_.insert(ref->to_u64());
  }
  if (next_deferred_ == deferred_.size() && !deferred_.empty()) {
    std::deque<PeerSpec>().swap(deferred_);
    next_deferred_ = 0;
    decltype(first_sent_)().swap(first_sent_);  // the pacing ends with the last first initiation
    decltype(first_unanswered_)().swap(first_unanswered_);
    log_debug("added " + std::to_string(runtime_->peer_count()) + " peers in " +
              std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 Clock::now() - t_peers_)
                                 .count()) +
              " ms");
  }
  return ok_status();
}

std::size_t Shell::first_initiation_room() {
  const Timestamp t = now();
  while (!first_sent_.empty() && t - first_sent_.front().first >= kFirstAnswerWindow) {
    first_unanswered_.erase(first_sent_.front().second.to_u64());
    first_sent_.pop_front();
  }
  const std::size_t used = first_unanswered_.size();
  return used >= kFirstInitiationsInFlight ? 0 : kFirstInitiationsInFlight - used;
}

// With the window full: until its oldest entry leaves it (or the timer, whichever is first).
int Shell::first_window_timeout_ms() const {
  int ms = wait_timeout_ms();
  if (first_sent_.empty()) return ms;
  const auto left = first_sent_.front().first + kFirstAnswerWindow - now();
  const int until = static_cast<int>(
      std::max<int64_t>(0, std::chrono::ceil<std::chrono::milliseconds>(left).count()));
  return ms < 0 ? until : std::min(ms, until);
}

void Shell::warn_send(std::size_t si, const SocketAddress& to, int err) {
  if (!datagram_log_.allow(now())) return;
  log_warn("Socket #" + std::to_string(si) + " refusing to send to " + to.to_string() + ": " +
           std::strerror(err));
}

void Shell::want_writable(std::size_t si, bool want) {
  if (queues_[si].want_out == want) return;
  queues_[si].want_out = want;
  epoll_event ev{};
  ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
  ev.data.u64 = si;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, sockets_[si].fd(), &ev);
}

void Shell::on_failed(std::size_t si, SendQueue::Failed f) {
  if (f.error != EAFNOSUPPORT) warn_send(si, f.datagram.to, f.error);
  apply(runtime_->send_failed(f.datagram, f.error, now()));
}

void Shell::send(Datagram d) {
  const std::size_t si = d.listener;
  PolicySocket sock(sockets_[si]);
  if (auto failed = queues_[si].queue.offer(std::move(d), sock)) on_failed(si, std::move(*failed));
  want_writable(si, queues_[si].queue.waiting());
}

void Shell::flush(std::size_t si) {
  PolicySocket sock(sockets_[si]);
  for (auto& f : queues_[si].queue.flush(sock)) on_failed(si, std::move(f));
  want_writable(si, queues_[si].queue.waiting());
}

void Shell::on_event(const RuntimeEvent& e) {
  using K = RuntimeEvent::Kind;
  switch (e.kind) {
    case K::kKeyExchanged:
    case K::kKeyStale:
      if (e.kind == K::kKeyExchanged && e.peer && !first_unanswered_.empty()) {
        first_unanswered_.erase(e.peer->to_u64());  // answered: makes room for the next
      }
      if (verbose_) {
        log_info((e.kind == K::kKeyExchanged ? "Exchanged key with peer "
                                              : "Erasing outdated key from peer ") +
                 e.peer_id);
      }
      if (e.sink_count == 0) log_warn("No broker peer found for " + e.message);
      return;
    case K::kSinkRejected:
      log_error(e.message);
      return;
    case K::kFailure: {
      if (e.key_output) {
        // Not a network problem: say what was lost and why (the message names the file and
        // the cause), and how many more such failures the daemon takes.
        log_error("could not deliver the key exchanged with peer " + e.peer_id + ": " +
                  e.message);
        log_error("this key is lost; " + std::to_string(e.failures_left) +
                  " more failures before the daemon stops");
        return;
      }
      log_error("unexpected error in the event loop: " + e.message);
      // No sleeping in the loop: the budget alone bounds how often this can repeat.
      log_error("re-initializing networking in " +
                std::to_string(0.01 * double(1 << std::min(runtime_->failures() - 1, 20))) +
                "! " + std::to_string(e.failures_left) + " tries left.");
      return;
    }
    case K::kFatal:
      log_error((e.key_output ? "could not deliver the key exchanged with peer " + e.peer_id + ": "
                              : std::string("unexpected error in the event loop: ")) +
                e.message);
      log_error("too many network failures");
      fatal_ = true;
      return;
    case K::kDropped:
      if (datagram_log_.allow(now())) {
        log_info("error processing incoming message from " + e.from.to_string() + ": " +
                 drop_reason_text(e.drop_reason));
      }
      return;
  }
}

void Shell::arm_timer(Timestamp at) {
  if (at == armed_at_) return;  // unchanged: spare the syscall
  armed_at_ = at;
  // Relative to now(), never TFD_TIMER_ABSTIME: a deadline is only meaningful on the clock
  // the runtime's timestamps come from (now()), and an absolute timerfd deadline assumes
  // that clock is the kernel's CLOCK_MONOTONIC. wait_timeout_ms() backs this up.
  const auto delay = std::max(at - now(), Timestamp(1));
  itimerspec its{};
  its.it_value.tv_sec = static_cast<time_t>(delay.count() / 1000000000);
  its.it_value.tv_nsec = static_cast<long>(delay.count() % 1000000000);
  ::timerfd_settime(timer_fd_, 0, &its, nullptr);
}

// epoll_wait's timeout: until the armed deadline on now()'s clock, rounded up to whole ms
// (never early: a wake-up before the deadline would only find nothing due), -1 if none.
int Shell::wait_timeout_ms() const {
  if (armed_at_ < Timestamp(0)) return -1;
  const auto left = armed_at_ - now();
  if (left <= Timestamp(0)) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<int64_t>(ms, std::numeric_limits<int>::max()));
}

void Shell::apply(Output out) {
  for (auto& d : out.datagrams) send(std::move(d));
  for (const auto& e : out.events) on_event(e);
}

void Shell::receive_from(std::size_t si) {
  // Bounded so one busy socket cannot starve timers and signals.
  for (std::size_t budget = 256; budget > 0 && !fatal_;) {
    const std::size_t got = sockets_[si].receive_batch(*batch_);
    for (std::size_t k = 0; k < got && !fatal_ && runtime_; ++k) {
      // (No keypair yet: incoming datagrams are ignored, §5.4.)
      apply(runtime_->handle(si, batch_->from[k], batch_->datagram(k), now()));
    }
    if (got < ReceiveBatch::kCapacity) return;  // the queue is empty
    budget -= std::min(budget, got);
  }
}

void Shell::log_drop_counts() const {
  if (!runtime_) return;
  std::string text;
  for (std::size_t k = 0; k < kDropReasonCount; ++k) {
    const auto reason = static_cast<proto::DropReason>(k);
    if (uint64_t n = runtime_->dropped(reason)) {
      text += (text.empty() ? "" : ", ") + std::string(drop_reason_text(reason)) + ": " +
              std::to_string(n);
    }
  }
  if (uint64_t n = replies_dropped()) {
    text += (text.empty() ? "" : ", ") + std::string("replies not sent (socket busy): ") +
            std::to_string(n);
  }
  if (!text.empty()) log_debug("dropped datagrams: " + text);
}

int Shell::loop() {
  std::array<epoll_event, 16> events;
  while (!fatal_) {
    if (due_ && runtime_) {
      Output o = runtime_->poll(now());
      const Timestamp wake = o.next_wakeup;
      apply(std::move(o));
      if (fatal_) break;
      arm_timer(wake);
      due_ = false;
    }
    if (uint64_t n = datagram_log_.take_suppressed()) {
      log_info(std::to_string(n) + " similar per-datagram messages suppressed");
    }
    const bool adding = next_deferred_ < deferred_.size();
    const std::size_t room = adding ? first_initiation_room() : 0;
    const int timeout = !adding ? wait_timeout_ms() : room > 0 ? 0 : first_window_timeout_ms();
    int n = ::epoll_wait(epoll_fd_, events.data(), events.size(), timeout);
    if (n < 0 && errno != EINTR) {
      log_error(std::string("epoll_wait failed: ") + std::strerror(errno));
      return 1;
    }
    if (armed_at_ >= Timestamp(0) && now() >= armed_at_) {
      // Due by now()'s clock, whether or not the timerfd has fired yet.
      armed_at_ = Timestamp(-1);
      due_ = true;
    }
    if (adding && room > 0) {
      if (auto st = add_deferred_peers(std::min(kPeersAddedPerIteration, room)); !st) {
        log_error(st.error().chain());
        return 1;
      }
      due_ = true;  // the new peers initiate
    }
    for (int i = 0; i < n && !fatal_; ++i) {
      const uint64_t tag = events[i].data.u64;
      if (tag == kSignalTag) {
        signalfd_siginfo si{};
        if (::read(signal_fd_, &si, sizeof si) == sizeof si) {
          log_debug("Received operating system signal no " + std::to_string(si.ssi_signo) + ".");
          log_info("Received termination request; exiting.");
          log_drop_counts();
          return 0;
        }
        continue;
      }
      if (tag == kTimerTag) {
        uint64_t expirations;
        [[maybe_unused]] auto r = ::read(timer_fd_, &expirations, sizeof expirations);
        armed_at_ = Timestamp(-1);  // fired: the next wake-up must be armed again
        due_ = true;
        continue;
      }
      if (tag == kApiTag) {
        api_host_->on_ready();
        due_ = true;  // a request may have added a peer or changed one
        continue;
      }
      if (tag >= kWatchTag) {
        hooks_.watches[tag - kWatchTag].on_ready();
        continue;
      }
      const auto si = static_cast<std::size_t>(tag);
      if (events[i].events & EPOLLOUT) flush(si);
      if (events[i].events & EPOLLIN) {
        receive_from(si);
        due_ = true;  // handshake progress moves timers
      }
    }
  }
  return 1;
}

}  // namespace

int run_daemon(Config config, const DaemonHooks& hooks) {
  // The Shell (and with it the Runtime and every secret: our key, PSKs, sessions) is
  // destroyed before the exit code is returned, so secrets are erased on every way out.
  auto d = std::make_unique<Shell>(std::move(config), hooks);
  return d->run();
}

}  // namespace rosenpass::daemon
