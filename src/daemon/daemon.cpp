#include "rosenpass/daemon/daemon.h"

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/hash_domains.h"
#include "rosenpass/daemon/debug_quote.h"
#include "rosenpass/daemon/key_files.h"
#include "rosenpass/daemon/key_output.h"
#include "rosenpass/daemon/logging.h"
#include "rosenpass/daemon/udp_sockets.h"
#include "rosenpass/protocol/server.h"

namespace rosenpass::daemon {
namespace {

namespace proto = rosenpass::protocol;
using Clock = std::chrono::steady_clock;

constexpr int kMaxLoopFailures = 10;  // the 11th failure ends the process (§4.10)

proto::WireProfile to_profile(ProtocolVersion v) {
  switch (v) {
    case ProtocolVersion::kV02:
      return proto::WireProfile::kV02;
    case ProtocolVersion::kV03:
      return proto::WireProfile::kV03;
    case ProtocolVersion::kV02pc:
      return proto::WireProfile::kV02pc;
    case ProtocolVersion::kAuto:
      return proto::WireProfile::kAuto;
  }
  return proto::WireProfile::kAuto;
}

constexpr std::array<std::pair<proto::DropReason, const char*>, 10> kDropReasons = {{
    {proto::DropReason::kBadLength, "bad length"},
    {proto::DropReason::kUnknownType, "unknown message type"},
    {proto::DropReason::kBadMac, "bad mac"},
    {proto::DropReason::kNoSuchSession, "no such session"},
    {proto::DropReason::kCryptoFailure, "decryption failed"},
    {proto::DropReason::kUnknownPeer, "unknown peer"},
    {proto::DropReason::kWrongProfile, "wrong protocol version for this peer"},
    {proto::DropReason::kReplay, "replayed message"},
    {proto::DropReason::kUnderLoad, "under load, cookie required"},
    {proto::DropReason::kUnexpected, "unexpected message"},
}};

// Runtime state of one configured peer.
struct PeerState {
  std::size_t config_index = 0;
  proto::PeerHandle handle;
  SharedPublicKey public_key;
  std::vector<SocketAddress> configured;  // resolved `endpoint`
  // Confirmed endpoint: the address an authenticated message came from, and its socket.
  std::optional<std::pair<SocketAddress, std::size_t>> current;
  std::vector<SocketAddress> discovery;  // candidates while nothing is confirmed
  std::size_t round_robin = 0;
  std::optional<std::string> id_blake2b, id_shake256;  // base64 peer ids, computed on use
  std::optional<KeyOutFile> key_out;                   // prepared once, after privileges drop
};

// Bytes identifying a sender for the protocol's cookie mechanism.
std::vector<uint8_t> sender_bytes(const SocketAddress& a) {
  const auto* p = reinterpret_cast<const uint8_t*>(&a.storage);
  return {p, p + a.length};
}

class Daemon {
 public:
  Daemon(Config cfg, const DaemonHooks& hooks) : cfg_(std::move(cfg)), hooks_(hooks) {}
  ~Daemon() {
    if (signal_fd_ >= 0) ::close(signal_fd_);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
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
  Status setup_signals();
  Status add_peers();
  int loop();
  proto::Timestamp now() const {
    return std::chrono::duration_cast<proto::Timestamp>(Clock::now() - epoch_);
  }
  PeerState* peer_for(proto::PeerHandle h) {
    return h.index < by_handle_.size() && by_handle_[h.index] ? by_handle_[h.index] : nullptr;
  }
  Status send_to_peer(PeerState& p, std::span<const uint8_t> bytes);
  void receive_from(std::size_t socket_index);
  Status on_key_event(proto::KeyEvent& ev);
  const std::string& peer_id(PeerState& p);
  bool note_failure(const Error& e);  // false: give up
  Status run_poll();
  void log_drop_counts() const;
  std::array<uint64_t, kDropReasons.size()> drop_counts() const {
    std::array<uint64_t, kDropReasons.size()> out{};
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = server_->dropped(kDropReasons[k].first);
    return out;
  }

  Config cfg_;
  const DaemonHooks& hooks_;
  Clock::time_point epoch_ = Clock::now();
  std::unique_ptr<proto::Server> server_;
  std::vector<UdpSocket> sockets_;
  std::vector<PeerState> peers_;
  std::vector<PeerState*> by_handle_;
  int signal_fd_ = -1;
  int epoll_fd_ = -1;
  int failures_ = 0;
  bool fatal_ = false;
  proto::Timestamp next_wakeup_{0};
};

Status Daemon::start() {
  // 1. Own keys.
  if (!cfg_.keypair) return make_error("Server keypair missing.");
  auto sk = load_secret_key(cfg_.keypair->secret_key);
  if (!sk) return sk.error();
  // A v0.2.x secret-key layout was already reported by validation (one warning, one wording).
  auto pk = load_public_key(cfg_.keypair->public_key);
  if (!pk) return pk.error();
  // 2. Signals.
  if (auto st = setup_signals(); !st) return st;
  // 3. Sockets.
  auto socks = bind_listen_sockets(cfg_.listen);
  if (!socks) return socks.error();
  sockets_ = std::move(*socks);
  for (const auto& s : sockets_) log_debug("listening on " + s.local_address().to_string());
  proto::ServerConfig sc;
  sc.public_key = *pk;
  sc.secret_key = std::move(sk->key);
  server_ = std::make_unique<proto::Server>(std::move(sc));
  // 5./6. WireGuard hand-off and peers.
  const auto t_peers = Clock::now();
  if (auto st = add_peers(); !st) return st;
  log_debug(
      "added " + std::to_string(peers_.size()) + " peers in " +
      std::to_string(
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t_peers).count()) +
      " ms");
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return make_error("epoll_create1 failed");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = ~uint64_t{0};
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, signal_fd_, &ev);
  for (std::size_t i = 0; i < sockets_.size(); ++i) {
    ev.data.u64 = i;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, sockets_[i].fd(), &ev);
  }
  // Last: every file is read and every endpoint resolved by now, so the confinement (user,
  // capabilities, seccomp) only has to allow the event loop.
  if (hooks_.drop_privileges) {
    if (auto err = hooks_.drop_privileges()) return make_error(*err);
  }
  return ok_status();
}

Status Daemon::setup_signals() {
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

Status Daemon::add_peers() {
  peers_.reserve(cfg_.peers.size());
  for (std::size_t i = 0; i < cfg_.peers.size(); ++i) {
    const PeerConfig& pc = cfg_.peers[i];
    const std::string n = "peer " + std::to_string(i);
    if (pc.wireguard) {
      std::array<uint8_t, 32> wg{};
      if (!crypto::base64_decode_into(pc.wireguard->peer, wg)) {
        return Error{"Failed to parse peer id b64",
                     {n + ": `peer` must be the 44-character base64 WireGuard public key, got " +
                      debug_quote(pc.wireguard->peer)}};
      }
      if (!hooks_.psk_delivery) {
        return make_error(n +
                          " sets `device`/`peer`, but this build cannot deliver WireGuard "
                          "pre-shared keys");
      }
    }
    proto::PeerConfig ppc;
    if (pc.pre_shared_key) {
      auto psk = load_psk(*pc.pre_shared_key);
      if (!psk) return psk.error();
      if (psk->had_extra_whitespace) {
        log_warn("pre-shared key file " + debug_quote(*pc.pre_shared_key) +
                 " has extra whitespace after the key (accepted as rosenpass v0.2.3 did)");
      }
      ppc.psk = std::move(psk->key);
    }
    auto pk = load_public_key(pc.public_key);
    if (!pk) return pk.error().context(n + ": could not load public key");
    PeerState st;
    st.config_index = i;
    st.public_key = *pk;
    if (pc.key_out) {
      st.key_out = KeyOutFile::prepare(*pc.key_out, [](const std::string& m) { log_warn(m); });
      if (std::size_t n_tmp = st.key_out->removed_temp_files()) {
        log_info("removed " + std::to_string(n_tmp) + " temporary file(s) of an interrupted write of " +
                 debug_quote(*pc.key_out));
      }
    }
    if (pc.endpoint) {
      auto addrs = resolve_host_port(*pc.endpoint);
      if (!addrs) {
        return addrs.error().context(n + " endpoint " + *pc.endpoint +
                                     " can not be parsed to a socket address");
      }
      st.configured = *addrs;
      st.discovery = *addrs;
    }
    ppc.public_key = *pk;
    ppc.profile = to_profile(pc.version());
    if (pc.osk_organization && pc.osk_label) {
      ppc.osk = proto::OskDomain{*pc.osk_organization, *pc.osk_label};
    }
    ppc.may_initiate = !st.configured.empty();
    auto h = server_->add_peer(std::move(ppc));
    if (!h) return make_error(n + " could not be added (is its public key configured twice?)");
    st.handle = *h;
    peers_.push_back(std::move(st));
  }
  for (auto& p : peers_) {
    if (p.handle.index >= by_handle_.size()) by_handle_.resize(p.handle.index + 1, nullptr);
    by_handle_[p.handle.index] = &p;
  }
  return ok_status();
}

Status Daemon::send_to_peer(PeerState& p, std::span<const uint8_t> bytes) {
  if (p.current) {
    const auto& [addr, si] = *p.current;
    if (int err = sockets_[si].send_to(bytes, addr); err != 0) {
      log_warn("Socket #" + std::to_string(si) + " refusing to send to " + addr.to_string() + ": " +
               std::strerror(err));
      return make_error("Unable to send message: All sockets returned errors.");
    }
    return ok_status();
  }
  if (p.discovery.empty()) return ok_status();  // responder-only and never contacted
  // Discovery: each (re)transmission goes to the next (address, socket) combination.
  const std::size_t combos = p.discovery.size() * sockets_.size();
  for (std::size_t k = 0; k < combos; ++k) {
    std::size_t c = (p.round_robin + k) % combos;
    const SocketAddress& addr = p.discovery[c / sockets_.size()];
    std::size_t si = c % sockets_.size();
    if (!sockets_[si].can_reach(addr)) continue;
    int err = sockets_[si].send_to(bytes, addr);
    if (err == 0) {
      p.round_robin = c + 1;
      return ok_status();
    }
    if (err != EAFNOSUPPORT) {
      log_warn("Socket #" + std::to_string(si) + " refusing to send to " + addr.to_string() + ": " +
               std::strerror(err));
    }
  }
  return make_error("Unable to send message: All sockets returned errors.");
}

const std::string& Daemon::peer_id(PeerState& p) {
  bool shake = server_->active_profile(p.handle) == proto::WireProfile::kV03;
  auto& slot = shake ? p.id_shake256 : p.id_blake2b;
  if (!slot) {
    auto choice = shake ? crypto::HashChoice::kShake256 : crypto::HashChoice::kBlake2b;
    auto id = crypto::keyed_hash(choice, crypto::hash_domains(choice).peer_id, *p.public_key);
    slot = crypto::base64_encode(id);
  }
  return *slot;
}

Status Daemon::on_key_event(proto::KeyEvent& ev) {
  PeerState* p = peer_for(ev.peer);
  if (!p) return ok_status();
  const PeerConfig& pc = cfg_.peers[p->config_index];
  const bool exchanged = ev.kind == proto::KeyEvent::Kind::kExchanged;
  const std::string& id = peer_id(*p);
  if (cfg_.verbosity == Verbosity::kVerbose) {
    log_info((exchanged ? "Exchanged key with peer " : "Erasing outdated key from peer ") + id);
  }
  if (exchanged) {
    failures_ = 0;  // the spec allows resetting the failure budget after a good exchange
  } else {
    // Discovery restarts over the last used address and the configured ones.
    if (p->current) {
      p->discovery = p->configured;
      if (std::find(p->discovery.begin(), p->discovery.end(), p->current->first) ==
          p->discovery.end()) {
        p->discovery.insert(p->discovery.begin(), p->current->first);
      }
      p->current.reset();
      p->round_robin = 0;
    }
  }
  if (pc.key_out) {
    if (auto st = p->key_out->write(ev.key); !st) return st;
    auto line = output_key_line(id, *pc.key_out,
                                exchanged ? KeyEventKind::kExchanged : KeyEventKind::kStale);
    if (auto st = write_stdout_line(line); !st) return st;
  }
  if (pc.wireguard) {
    if (auto st = hooks_.psk_delivery(p->config_index, *pc.wireguard, ev.key); !st) return st;
  }
  if (!pc.key_out && !pc.wireguard) {
    log_warn("No broker peer found for peer " + std::to_string(p->config_index));
  }
  return ok_status();
}

bool Daemon::note_failure(const Error& e) {
  ++failures_;
  log_error("unexpected error in the event loop: " + e.chain());
  if (failures_ > kMaxLoopFailures) {
    log_error("too many network failures");
    fatal_ = true;
    return false;
  }
  auto backoff = std::chrono::milliseconds(10) * (1 << (failures_ - 1));
  log_error("re-initializing networking in " +
            std::to_string(std::chrono::duration<double>(backoff).count()) + "! " +
            std::to_string(kMaxLoopFailures - failures_ + 1) + " tries left.");
  std::this_thread::sleep_for(backoff);
  return true;
}

Status Daemon::run_poll() {
  auto r = server_->poll(now());
  next_wakeup_ = r.next_wakeup;
  Status result = ok_status();
  for (auto& ev : r.events) {
    if (auto st = on_key_event(ev); !st) result = st;
  }
  for (auto& out : r.datagrams) {
    PeerState* p = peer_for(out.peer);
    if (!p) continue;
    if (auto st = send_to_peer(*p, out.bytes); !st) result = st;
  }
  return result;
}

void Daemon::receive_from(std::size_t si) {
  std::array<uint8_t, 4096> buf;
  // Bounded so one busy socket cannot starve timers and signals.
  for (int budget = 256; budget > 0 && !fatal_; --budget) {
    SocketAddress from;
    auto n = sockets_[si].receive(buf, from);
    if (!n) return;
    const bool explain = cfg_.verbosity == Verbosity::kVerbose && log_enabled(LogLevel::kInfo);
    std::array<uint64_t, kDropReasons.size()> before{};
    if (explain) before = drop_counts();
    auto r = server_->handle(std::span(buf.data(), *n), sender_bytes(from), now());
    if (explain) {
      auto after = drop_counts();
      for (std::size_t k = 0; k < after.size(); ++k) {
        if (after[k] != before[k]) {
          log_info("error processing incoming message from " + from.to_string() + ": " +
                   kDropReasons[k].second);
        }
      }
    }
    if (r.authenticated_peer) {
      if (PeerState* p = peer_for(*r.authenticated_peer)) {
        // Roaming: an authenticated message's source becomes the peer's endpoint.
        if (!p->current && p->configured.empty()) server_->set_may_initiate(p->handle, true);
        p->current = std::make_pair(from, si);
      }
    }
    if (r.reply) {
      if (int err = sockets_[si].send_to(*r.reply, from); err != 0) {
        log_warn("Socket #" + std::to_string(si) + " refusing to send to " + from.to_string() +
                 ": " + std::strerror(err));
      }
    }
    if (r.event) {
      if (auto st = on_key_event(*r.event); !st && !note_failure(st.error())) return;
    }
  }
}

void Daemon::log_drop_counts() const {
  std::string text;
  for (auto [reason, name] : kDropReasons) {
    if (uint64_t n = server_->dropped(reason)) {
      text += (text.empty() ? "" : ", ") + std::string(name) + ": " + std::to_string(n);
    }
  }
  if (!text.empty()) log_debug("dropped datagrams: " + text);
}

int Daemon::loop() {
  if (auto st = run_poll(); !st && !note_failure(st.error())) return 1;
  std::array<epoll_event, 16> events;
  while (!fatal_) {
    auto wait = next_wakeup_ - now();
    int timeout_ms = wait <= proto::Timestamp(0)
                         ? 0
                         : static_cast<int>(std::min<int64_t>(
                               std::chrono::ceil<std::chrono::milliseconds>(wait).count(), 60000));
    int n = ::epoll_wait(epoll_fd_, events.data(), events.size(), timeout_ms);
    if (n < 0 && errno != EINTR) {
      log_error(std::string("epoll_wait failed: ") + std::strerror(errno));
      return 1;
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == ~uint64_t{0}) {
        signalfd_siginfo si{};
        if (::read(signal_fd_, &si, sizeof si) == sizeof si) {
          log_debug("Received operating system signal no " + std::to_string(si.ssi_signo) + ".");
          log_info("Received termination request; exiting.");
          log_drop_counts();
          return 0;
        }
        continue;
      }
      receive_from(static_cast<std::size_t>(events[i].data.u64));
    }
    if (fatal_) break;
    // Handshake progress moves timers, so poll after every batch, not only at the deadline.
    if (auto st = run_poll(); !st && !note_failure(st.error())) break;
  }
  return 1;
}

}  // namespace

int run_daemon(Config config, const DaemonHooks& hooks) {
  // The Daemon (and with it every secret: our key, PSKs, sessions) is destroyed before the
  // exit code is returned, so secrets are erased on every way out.
  auto d = std::make_unique<Daemon>(std::move(config), hooks);
  return d->run();
}

}  // namespace rosenpass::daemon
