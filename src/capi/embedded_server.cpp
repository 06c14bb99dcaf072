#include "embedded_server.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

#include "rosenpass/crypto/base64.h"

namespace rosenpass::capi {

Registry<EmbeddedServer>& servers() {
  static Registry<EmbeddedServer> r;
  return r;
}

namespace {

using daemon::Timestamp;
constexpr std::size_t kQueueLimit = 1024;       // events kept for a host that does not poll
constexpr int kReceiveBudget = 256;             // datagrams per socket per round
constexpr std::size_t kMaxDatagram = 4096;      // larger than any Rosenpass message
constexpr uint64_t kWakeEpoll = ~uint64_t{0};   // epoll tags for the timer and wake fds
constexpr uint64_t kTimerEpoll = ~uint64_t{0} - 1;

// Hands the key to the embedding host: queued in the server, delivered after the Runtime
// call returns (never from inside it, where the server's lock is held).
class HostSink final : public base::KeySink {
 public:
  HostSink(EmbeddedServer* server, uint64_t peer) : server_(server), peer_(peer) {}
  base::SinkStatus install(const base::KeyUpdate& update) override {
    server_->on_key(peer_, update);
    return base::Ok{};
  }

 private:
  EmbeddedServer* server_;
  uint64_t peer_;
};

int to_c_protocol(protocol::WireProfile p) {
  switch (p) {
    case protocol::WireProfile::kV02: return ROSENPASS_PROTOCOL_V02;
    case protocol::WireProfile::kV03: return ROSENPASS_PROTOCOL_V03;
    case protocol::WireProfile::kV02pc: return ROSENPASS_PROTOCOL_V02PC;
    case protocol::WireProfile::kAuto: return ROSENPASS_PROTOCOL_AUTO;
  }
  return ROSENPASS_PROTOCOL_AUTO;
}

bool same_osk(const protocol::OskDomain& a, const protocol::OskDomain& b) {
  return a.organization == b.organization && a.labels == b.labels;
}

// The host gets IPv4 destinations as AF_INET even if an address is stored v4-mapped.
daemon::SocketAddress unmapped(const daemon::SocketAddress& a) {
  if (a.family() != AF_INET6) return a;
  const auto* s6 = reinterpret_cast<const sockaddr_in6*>(&a.storage);
  if (!IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) return a;
  sockaddr_in s4{};
  s4.sin_family = AF_INET;
  s4.sin_port = s6->sin6_port;
  std::memcpy(&s4.sin_addr, s6->sin6_addr.s6_addr + 12, 4);
  return daemon::SocketAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&s4), sizeof s4);
}

void drain(int fd) {
  uint64_t v;
  while (::read(fd, &v, sizeof v) == sizeof v) {
  }
}

}  // namespace

int EmbeddedServer::create(const KeyPair& keys, std::span<const daemon::SocketAddress> listen,
                           std::shared_ptr<EmbeddedServer>* out) {
  std::shared_ptr<EmbeddedServer> s(new EmbeddedServer());
  daemon::RuntimeConfig cfg;
  if (listen.empty()) {
    // Host-fed: one virtual dual-stack listener stands for the host's own socket(s).
    cfg.options.listeners.push_back({AF_INET6, false});
  } else {
    auto socks = daemon::bind_listen_sockets(listen);
    if (!socks) return fail(ROSENPASS_E_IO, socks.error().chain());
    s->sockets_ = std::move(*socks);
    for (const auto& sock : s->sockets_) {
      cfg.options.listeners.push_back({sock.family(), sock.v6_only()});
    }
  }
  // The daemon exits after too many send failures (§4.10); a library never ends its host.
  cfg.options.max_failures = INT_MAX;
  cfg.public_key = keys.public_key;
  cfg.secret_key = keys.secret_key.clone();
  auto rt = daemon::Runtime::create(std::move(cfg));
  if (!rt) return fail(ROSENPASS_E_INTERNAL, rt.error().chain());
  s->rt_ = std::move(*rt);
  s->epoch_ = std::chrono::steady_clock::now();

  s->epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  s->timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  s->wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (s->epoll_fd_ < 0 || s->timer_fd_ < 0 || s->wake_fd_ < 0) {
    return fail(ROSENPASS_E_IO, std::string("creating the event fds: ") + std::strerror(errno));
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kTimerEpoll;
  ::epoll_ctl(s->epoll_fd_, EPOLL_CTL_ADD, s->timer_fd_, &ev);
  ev.data.u64 = kWakeEpoll;
  ::epoll_ctl(s->epoll_fd_, EPOLL_CTL_ADD, s->wake_fd_, &ev);
  for (std::size_t i = 0; i < s->sockets_.size(); ++i) {
    ev.data.u64 = i;
    ::epoll_ctl(s->epoll_fd_, EPOLL_CTL_ADD, s->sockets_[i].fd(), &ev);
  }
  std::lock_guard lock(s->mu_);
  s->kick();
  *out = std::move(s);
  return succeed();
}

EmbeddedServer::~EmbeddedServer() {
  close();
  // The Runtime (and with it our secret key, the PSKs and sessions) is erased first.
  rt_.reset();
  for (int fd : {epoll_fd_, timer_fd_, wake_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void EmbeddedServer::close() {
  {
    std::lock_guard lock(thread_mu_);
    closing_ = true;
    if (thread_.joinable()) {
      stop_ = true;
      uint64_t one = 1;
      [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
      thread_.join();
      stop_ = false;
    }
  }
  std::lock_guard drive(drive_mu_);  // a host thread inside process()/feed() finishes first
  std::lock_guard lock(ev_mu_);
  closed_ = true;
  queue_.clear();
  ev_cv_.notify_all();
}

Timestamp EmbeddedServer::now() const {
  return std::chrono::duration_cast<Timestamp>(std::chrono::steady_clock::now() - epoch_);
}

daemon::PeerSpec EmbeddedServer::make_spec(uint64_t id, PeerSettings& s) {
  daemon::PeerSpec spec;
  spec.public_key = s.public_key;
  if (s.psk) spec.psk = s.psk->clone();
  spec.profile = s.profile;
  spec.osk = s.osk;
  spec.endpoints = s.endpoints;
  spec.sinks.push_back(std::make_unique<HostSink>(this, id));
  spec.name = "peer " + std::to_string(id);
  return spec;
}

int EmbeddedServer::add_peer(PeerSettings settings, uint64_t* out) {
  std::lock_guard lock(mu_);
  uint64_t id = last_peer_id_ + 1;
  auto ref = rt_->add_peer(make_spec(id, settings), now());
  if (!ref) return fail(ROSENPASS_E_DUPLICATE, ref.error().chain());
  last_peer_id_ = id;
  Peer& p = peers_[id];
  p.ref = *ref;
  p.public_key = settings.public_key;
  p.profile = settings.profile;
  p.osk = std::move(settings.osk);
  p.endpoints = std::move(settings.endpoints);
  kick();
  *out = id;
  return succeed();
}

int EmbeddedServer::update_peer(uint64_t id, PeerSettings settings) {
  std::lock_guard lock(mu_);
  auto it = peers_.find(id);
  if (it == peers_.end()) return fail(ROSENPASS_E_HANDLE, "no such peer (removed?)");
  Peer& p = it->second;
  if (settings.public_key && !std::equal(settings.public_key->begin(), settings.public_key->end(),
                                         p.public_key->begin())) {
    return fail(ROSENPASS_E_ARGUMENT,
                "a peer's public key cannot change: remove it and add the new key as a new peer");
  }
  if (settings.profile == p.profile && same_osk(settings.osk, p.osk)) {
    // Only the PSK and the endpoint change: the Runtime keeps the session.
    daemon::PeerUpdate u;
    u.endpoints = settings.endpoints;
    u.psk = settings.psk ? std::move(*settings.psk) : protocol::Psk();
    if (auto st = rt_->update_peer(p.ref, std::move(u), now()); !st) {
      return fail(ROSENPASS_E_INTERNAL, st.error().chain());
    }
  } else {
    // A new wire or key domain is a new protocol peer: replace it under the same C handle.
    settings.public_key = p.public_key;
    if (auto st = rt_->remove_peer(p.ref); !st) return fail(ROSENPASS_E_INTERNAL, st.error().chain());
    auto ref = rt_->add_peer(make_spec(id, settings), now());
    if (!ref) {
      peers_.erase(it);
      return fail(ROSENPASS_E_INTERNAL, ref.error().chain());
    }
    p.ref = *ref;
    p.profile = settings.profile;
    p.osk = settings.osk;
  }
  p.endpoints = std::move(settings.endpoints);
  kick();
  return succeed();
}

int EmbeddedServer::set_endpoints(uint64_t id, std::vector<daemon::SocketAddress> endpoints) {
  std::lock_guard lock(mu_);
  auto it = peers_.find(id);
  if (it == peers_.end()) return fail(ROSENPASS_E_HANDLE, "no such peer (removed?)");
  daemon::PeerUpdate u;
  u.endpoints = endpoints;
  if (auto st = rt_->update_peer(it->second.ref, std::move(u), now()); !st) {
    return fail(ROSENPASS_E_INTERNAL, st.error().chain());
  }
  it->second.endpoints = std::move(endpoints);
  kick();
  return succeed();
}

int EmbeddedServer::remove_peer(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = peers_.find(id);
  if (it == peers_.end()) return fail(ROSENPASS_E_HANDLE, "no such peer (removed?)");
  if (auto st = rt_->remove_peer(it->second.ref); !st) {
    return fail(ROSENPASS_E_INTERNAL, st.error().chain());
  }
  peers_.erase(it);
  return succeed();
}

int EmbeddedServer::status(uint64_t id, rosenpass_peer_status* out) {
  std::lock_guard lock(mu_);
  auto it = peers_.find(id);
  if (it == peers_.end()) return fail(ROSENPASS_E_HANDLE, "no such peer (removed?)");
  const Peer& p = it->second;
  const Timestamp t = now();
  auto st = rt_->status(p.ref, t);
  if (!st) return fail(ROSENPASS_E_INTERNAL, "the runtime does not know a configured peer");
  std::memset(out, 0, sizeof *out);
  out->struct_size = sizeof *out;
  if (!crypto::base64_decode_into(st->peer_id, std::span(out->peer_id))) {
    return fail(ROSENPASS_E_INTERNAL, "peer id is not 32 bytes of base64");
  }
  out->protocol = to_c_protocol(st->profile);
  out->has_key = p.has_key ? 1 : 0;
  out->keys_exchanged = p.exchanged;
  out->keys_stale = p.stale;
  out->last_key_age_ms =
      p.last_event ? std::chrono::duration_cast<std::chrono::milliseconds>(t - *p.last_event).count()
                   : -1;
  std::string ep = st->endpoint            ? st->endpoint->to_string()
                   : !p.endpoints.empty() ? p.endpoints.front().to_string()
                                          : std::string();
  std::snprintf(out->endpoint, sizeof out->endpoint, "%s", ep.c_str());
  return succeed();
}

int EmbeddedServer::listen_address(std::size_t index, std::string* out) {
  std::lock_guard lock(mu_);
  if (index >= sockets_.size()) {
    return fail(ROSENPASS_E_ARGUMENT, "listen address index " + std::to_string(index) +
                                          " out of range (" + std::to_string(sockets_.size()) +
                                          " sockets)");
  }
  *out = sockets_[index].local_address().to_string();
  return succeed();
}

int EmbeddedServer::set_key_callback(rosenpass_key_fn fn, void* ctx) {
  std::lock_guard lock(mu_);
  key_fn_ = fn;
  key_ctx_ = ctx;
  return succeed();
}

int EmbeddedServer::set_send_callback(rosenpass_send_fn fn, void* ctx) {
  std::lock_guard lock(mu_);
  if (!sockets_.empty()) {
    return fail(ROSENPASS_E_STATE, "the server has sockets; a send callback is for host-fed servers");
  }
  send_fn_ = fn;
  send_ctx_ = ctx;
  return succeed();
}

void EmbeddedServer::on_key(uint64_t id, const base::KeyUpdate& update) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  Peer& p = it->second;
  const bool exchanged = update.kind == base::KeyKind::kExchanged;
  (exchanged ? p.exchanged : p.stale) += 1;
  p.has_key = exchanged;
  p.last_event = now();
  pending_.push_back(Event{id, exchanged ? ROSENPASS_KEY_EXCHANGED : ROSENPASS_KEY_STALE,
                           update.key.clone()});
}

int EmbeddedServer::take_event(rosenpass_key_event* out) {
  Event& e = queue_.front();
  out->peer.id = e.peer;
  out->kind = e.kind;
  std::memcpy(out->key, e.key.reveal().data(), sizeof out->key);
  queue_.pop_front();
  return succeed();
}

int EmbeddedServer::next_event(rosenpass_key_event* out) {
  std::lock_guard lock(ev_mu_);
  if (queue_.empty()) return fail(ROSENPASS_E_EMPTY, "no key event queued");
  return take_event(out);
}

int EmbeddedServer::wait_event(int timeout_ms, rosenpass_key_event* out) {
  std::unique_lock lock(ev_mu_);
  auto ready = [&] { return !queue_.empty() || closed_; };
  if (timeout_ms < 0) {
    ev_cv_.wait(lock, ready);
  } else {
    ev_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), ready);
  }
  if (!queue_.empty()) return take_event(out);
  if (closed_) return fail(ROSENPASS_E_CLOSED, "the server was destroyed");
  return fail(ROSENPASS_E_TIMEOUT, "no key event within the timeout");
}

// ---- Driving -------------------------------------------------------------------------------

void EmbeddedServer::kick() {
  next_wakeup_ = now();
  rearm_timer();
}

void EmbeddedServer::rearm_timer() {
  auto wait = next_wakeup_ - now();
  if (wait <= Timestamp(0)) wait = Timestamp(1);  // 0 would disarm the timer
  itimerspec its{};
  its.it_value.tv_sec = static_cast<time_t>(wait.count() / 1000000000);
  its.it_value.tv_nsec = static_cast<long>(wait.count() % 1000000000);
  ::timerfd_settime(timer_fd_, 0, &its, nullptr);
}

void EmbeddedServer::absorb(daemon::Output out) {
  next_wakeup_ = out.next_wakeup;
  for (auto& d : out.datagrams) {
    if (sockets_.empty()) {
      outbox_.push_back(std::move(d));
      continue;
    }
    if (d.listener >= sockets_.size()) continue;
    int err = sockets_[d.listener].send_to(d.bytes, d.to);
    if (err == 0) continue;
    // A reply to an unauthenticated source, or a full socket buffer: dropped; the protocol's
    // retransmission recovers. Other errors let the Runtime try the peer's next address.
    if (d.priority == daemon::Datagram::Priority::kReply || err == EAGAIN || err == EWOULDBLOCK) {
      ++send_drops_;
      continue;
    }
    absorb(rt_->send_failed(d, err, now()));
  }
  // Key events reach the host through the sinks (on_key); failures and drops are counted by
  // the Runtime and have no fatal meaning for a library (max_failures is unbounded).
}

void EmbeddedServer::flush_outbox() {
  // Bounded: each failed send may yield the next discovery address, a finite list.
  for (int round = 0; round < 64; ++round) {
    std::vector<daemon::Datagram> batch;
    rosenpass_send_fn fn;
    void* ctx;
    {
      std::lock_guard lock(mu_);
      batch.swap(outbox_);
      fn = send_fn_;
      ctx = send_ctx_;
    }
    if (batch.empty()) return;
    std::vector<daemon::Datagram> failed;
    for (auto& d : batch) {
      const daemon::SocketAddress to = unmapped(d.to);
      int rc = fn ? fn(ctx, d.bytes.data(), d.bytes.size(), to.sa(), to.length) : -1;
      if (rc != 0 && d.priority == daemon::Datagram::Priority::kPeer) failed.push_back(std::move(d));
    }
    if (failed.empty()) return;
    std::lock_guard lock(mu_);
    for (auto& d : failed) absorb(rt_->send_failed(d, EIO, now()));
    rearm_timer();
  }
}

void EmbeddedServer::deliver_events() {
  std::vector<Event> events;
  rosenpass_key_fn fn;
  void* ctx;
  {
    std::lock_guard lock(mu_);
    events.swap(pending_);
    fn = key_fn_;
    ctx = key_ctx_;
  }
  for (auto& e : events) {
    if (fn) {
      rosenpass_key_event ev{};
      ev.peer.id = e.peer;
      ev.kind = e.kind;
      std::memcpy(ev.key, e.key.reveal().data(), sizeof ev.key);
      fn(ctx, &ev);
      rosenpass_wipe(ev.key, sizeof ev.key);
    } else {
      std::lock_guard lock(ev_mu_);
      if (closed_) continue;
      if (queue_.size() >= kQueueLimit) queue_.pop_front();
      queue_.push_back(std::move(e));
      ev_cv_.notify_all();
    }
  }
}

void EmbeddedServer::drive(
    const std::optional<std::pair<std::span<const uint8_t>, daemon::SocketAddress>>& fed) {
  driver_ = std::this_thread::get_id();
  {
    std::lock_guard lock(mu_);
    drain(timer_fd_);
    drain(wake_fd_);
    if (fed) absorb(rt_->handle(0, fed->second, fed->first, now()));
    std::array<uint8_t, kMaxDatagram> buf;
    for (std::size_t i = 0; i < sockets_.size(); ++i) {
      for (int budget = kReceiveBudget; budget > 0; --budget) {
        daemon::SocketAddress from;
        auto n = sockets_[i].receive(buf, from);
        if (!n) break;
        absorb(rt_->handle(i, from, std::span(buf.data(), *n), now()));
      }
    }
    // Handshake progress moves the timers: poll after every batch, not only at the deadline.
    absorb(rt_->poll(now()));
    rearm_timer();
  }
  flush_outbox();
  deliver_events();
  driver_ = std::thread::id();
}

int EmbeddedServer::process() {
  if (on_driving_thread()) return fail(ROSENPASS_E_STATE, "process() from inside a callback");
  {
    std::lock_guard lock(thread_mu_);
    if (thread_.joinable()) {
      return fail(ROSENPASS_E_STATE, "the background thread drives this server");
    }
  }
  std::lock_guard drive_lock(drive_mu_);
  if (closing_) return fail(ROSENPASS_E_HANDLE, "the server was destroyed");
  drive(std::nullopt);
  return succeed();
}

int EmbeddedServer::feed(std::span<const uint8_t> datagram, const daemon::SocketAddress& from) {
  if (!sockets_.empty()) {
    return fail(ROSENPASS_E_STATE, "feed() is for servers created without listen addresses");
  }
  if (on_driving_thread()) return fail(ROSENPASS_E_STATE, "feed() from inside a callback");
  std::lock_guard drive_lock(drive_mu_);
  if (closing_) return fail(ROSENPASS_E_HANDLE, "the server was destroyed");
  drive(std::make_pair(datagram, from));
  return succeed();
}

int EmbeddedServer::timeout_ms(int* out) {
  std::lock_guard lock(mu_);
  auto wait = next_wakeup_ - now();
  *out = wait <= Timestamp(0)
             ? 0
             : static_cast<int>(std::min<int64_t>(
                   std::chrono::ceil<std::chrono::milliseconds>(wait).count(), INT_MAX));
  return succeed();
}

void EmbeddedServer::thread_main() {
  std::array<epoll_event, 16> evs;
  while (!stop_) {
    int t = 0;
    timeout_ms(&t);
    ::epoll_wait(epoll_fd_, evs.data(), evs.size(), std::min(t, 1000));
    if (stop_) break;
    std::lock_guard drive_lock(drive_mu_);
    drive(std::nullopt);
  }
}

int EmbeddedServer::start() {
  std::lock_guard lock(thread_mu_);
  if (thread_.joinable()) return fail(ROSENPASS_E_STATE, "the background thread already runs");
  if (closing_) return fail(ROSENPASS_E_HANDLE, "the server was destroyed");
  thread_ = std::thread([this] { thread_main(); });
  return succeed();
}

int EmbeddedServer::stop() {
  if (on_driving_thread()) return fail(ROSENPASS_E_STATE, "stop() from inside a callback");
  std::lock_guard lock(thread_mu_);
  if (!thread_.joinable()) return fail(ROSENPASS_E_STATE, "the background thread is not running");
  stop_ = true;
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  stop_ = false;
  return succeed();
}

}  // namespace rosenpass::capi
