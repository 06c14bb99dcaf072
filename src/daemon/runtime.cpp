// daemon::Runtime: peers, endpoints, discovery, roaming, sinks and the failure budget around
// protocol::Server, without any I/O (runtime.h).
#include "rosenpass/daemon/runtime.h"

#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/random.h"
#include "runtime_impl.h"

namespace rosenpass::daemon {

namespace proto = rosenpass::protocol;

namespace {

constexpr uint32_t kNoSlot = std::numeric_limits<uint32_t>::max();

// Bytes identifying a sender for the protocol's cookie mechanism.
std::span<const uint8_t> sender_bytes(const SocketAddress& a) {
  return {reinterpret_cast<const uint8_t*>(&a.storage), a.length};
}

}  // namespace

const char* drop_reason_text(proto::DropReason reason) {
  switch (reason) {
    case proto::DropReason::kBadLength:
      return "bad length";
    case proto::DropReason::kUnknownType:
      return "unknown message type";
    case proto::DropReason::kBadMac:
      return "bad mac";
    case proto::DropReason::kNoSuchSession:
      return "no such session";
    case proto::DropReason::kCryptoFailure:
      return "decryption failed";
    case proto::DropReason::kUnknownPeer:
      return "unknown peer";
    case proto::DropReason::kWrongProfile:
      return "wrong protocol version for this peer";
    case proto::DropReason::kReplay:
      return "replayed message";
    case proto::DropReason::kUnderLoad:
      return "under load, cookie required";
    case proto::DropReason::kUnexpected:
      return "unexpected message";
    case proto::DropReason::kLostRace:
      return "lost a simultaneous-start race";
  }
  return "dropped";
}

EndpointKey endpoint_key(const SocketAddress& a) {
  EndpointKey k{};
  k[0] = static_cast<uint8_t>(a.family());
  if (a.family() == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(&a.storage);
    std::memcpy(&k[1], &s->sin_port, 2);
    std::memcpy(&k[3], &s->sin_addr, 4);
  } else if (a.family() == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(&a.storage);
    std::memcpy(&k[1], &s->sin6_port, 2);
    std::memcpy(&k[3], &s->sin6_addr, 16);
    std::memcpy(&k[19], &s->sin6_scope_id, 4);
  }
  return k;
}

// ---- peers ----

PeerRef Runtime::Impl::ref_of(const RuntimePeer& p) const {
  return {static_cast<uint32_t>(&p - slots.data()), p.generation};
}

RuntimePeer* Runtime::Impl::find(PeerRef ref) {
  if (ref.slot >= slots.size()) return nullptr;
  RuntimePeer& p = slots[ref.slot];
  return p.live && p.generation == ref.generation ? &p : nullptr;
}

const RuntimePeer* Runtime::Impl::find(PeerRef ref) const {
  return const_cast<Impl*>(this)->find(ref);
}

RuntimePeer* Runtime::Impl::by_handle(proto::PeerHandle h) {
  if (h.index >= slot_of_handle_.size() || slot_of_handle_[h.index] == kNoSlot) return nullptr;
  return &slots[slot_of_handle_[h.index]];
}

Result<PeerRef> Runtime::Impl::add_peer(PeerSpec spec, Timestamp) {
  if (!spec.public_key) return make_error(spec.name + ": no public key");
  proto::PeerConfig pc;
  pc.public_key = spec.public_key;
  const bool has_psk = spec.psk.has_value();
  pc.psk = std::move(spec.psk);
  pc.profile = spec.profile;
  pc.osk = std::move(spec.osk);
  pc.may_initiate = !spec.endpoints.empty();
  auto h = server_->add_peer(std::move(pc));
  if (!h) return make_error(spec.name + " could not be added (is its public key configured twice?)");
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots.size());
    slots.emplace_back();
  }
  RuntimePeer& p = slots[slot];
  const uint32_t generation = p.generation + 1;
  p = RuntimePeer{};
  p.generation = generation;
  p.live = true;
  p.handle = *h;
  p.name = std::move(spec.name);
  p.configured = std::move(spec.endpoints);
  p.discovery = p.configured;
  p.sinks = std::move(spec.sinks);
  p.configured_profile = spec.profile;
  p.has_psk = has_psk;
  p.has_key_out = spec.has_key_out;
  p.has_wireguard = spec.has_wireguard;
  if (h->index >= slot_of_handle_.size()) slot_of_handle_.resize(h->index + 1, kNoSlot);
  slot_of_handle_[h->index] = slot;
  return PeerRef{slot, generation};
}

Status Runtime::Impl::update_peer(PeerRef ref, PeerUpdate update) {
  RuntimePeer* p = find(ref);
  if (!p) return make_error("no such peer");
  if (update.psk) {
    // An all-zero PSK is what a peer without one uses (control API: --no-preshared-key).
    const auto b = update.psk->reveal();
    p->has_psk = std::any_of(b.begin(), b.end(), [](uint8_t x) { return x != 0; });
    server_->set_psk(p->handle, std::move(*update.psk));
  }
  if (update.endpoints) {
    forget_current(*p);
    p->configured = std::move(*update.endpoints);
    p->discovery = p->configured;
    p->round_robin = 0;
    // A peer with an endpoint initiates; one without waits to be contacted.
    server_->set_may_initiate(p->handle, !p->configured.empty());
  }
  return ok_status();
}

Status Runtime::Impl::remove_peer(PeerRef ref) {
  RuntimePeer* p = find(ref);
  if (!p) return make_error("no such peer");
  forget_current(*p);
  server_->remove_peer(p->handle);
  slot_of_handle_[p->handle.index] = kNoSlot;
  const uint32_t generation = p->generation;
  *p = RuntimePeer{};  // closes its sinks
  p->generation = generation;
  free_slots_.push_back(ref.slot);
  return ok_status();
}

const std::string& Runtime::Impl::peer_id(RuntimePeer& p) {
  // Fixed peers: their wire. Auto peers: the wire of their last key, V02 before the first
  // (auto settles on V02 at once, so that is the id its first key line prints).
  const proto::WireProfile wire =
      p.configured_profile != proto::WireProfile::kAuto ? p.configured_profile : p.keyed_profile;
  const bool shake = wire == proto::WireProfile::kV03;
  auto& cached = shake ? p.id_shake256 : p.id_blake2b;
  if (!cached) cached = crypto::base64_encode(server_->peer_id(p.handle));
  return *cached;
}

PeerStatus Runtime::Impl::status_of(uint32_t slot) const {
  auto& p = const_cast<RuntimePeer&>(slots[slot]);
  PeerStatus s;
  s.ref = ref_of(p);
  s.name = p.name;
  s.peer_id = const_cast<Impl*>(this)->peer_id(p);
  if (p.current) {
    s.endpoint = p.current->first;
    s.listener = p.current->second;
  }
  s.profile = p.configured_profile != proto::WireProfile::kAuto ? p.configured_profile
                                                              : p.keyed_profile;
  s.last_exchanged = p.last_exchanged;
  s.next_rekey = server_->next_initiation(p.handle);
  s.handshakes_completed = p.handshakes;
  s.drops = p.drops;
  s.configured_profile = p.configured_profile;
  s.has_psk = p.has_psk;
  s.has_key_out = p.has_key_out;
  s.has_wireguard = p.has_wireguard;
  s.configured_endpoints = p.configured;
  return s;
}

Output Runtime::Impl::retire_keys(PeerRef ref, Timestamp now) {
  Output out;
  out.next_wakeup = now;
  RuntimePeer* p = find(ref);
  if (!p) return out;
  proto::KeyEvent ev{p->handle, proto::KeyEvent::Kind::kStale, {}};
  (options_.rng ? *options_.rng : crypto::system_random()).fill(ev.key.reveal_mut());
  on_key_event(ev, now, out);
  return out;
}

// ---- endpoints ----

bool Runtime::Impl::can_reach(std::size_t listener, const SocketAddress& to) const {
  const Listener& l = options_.listeners[listener];
  if (to.family() == l.family) return true;
  return l.family == AF_INET6 && !l.v6_only && to.family() == AF_INET;
}

void Runtime::Impl::set_current(RuntimePeer& p, const SocketAddress& addr, std::size_t listener) {
  forget_current(p);
  p.current = std::make_pair(addr, listener);
  by_endpoint_[endpoint_key(addr)] = ref_of(p).slot;
}

void Runtime::Impl::forget_current(RuntimePeer& p) {
  if (!p.current) return;
  auto it = by_endpoint_.find(endpoint_key(p.current->first));
  if (it != by_endpoint_.end() && it->second == ref_of(p).slot) by_endpoint_.erase(it);
  p.current.reset();
}

void Runtime::Impl::emit(RuntimePeer& p, std::vector<uint8_t> bytes, std::size_t tried,
                         Output& out) {
  if (p.current) {
    server_->expect_sender(p.handle, sender_bytes(p.current->first));
    out.datagrams.push_back({p.current->second, p.current->first, std::move(bytes),
                             Datagram::Priority::kPeer, ref_of(p), 0});
    return;
  }
  if (p.discovery.empty()) return;  // responder-only and never contacted
  // Discovery: each (re)transmission goes to the next (address, listener) combination.
  const std::size_t listeners = options_.listeners.size();
  const std::size_t combos = p.discovery.size() * listeners;
  for (std::size_t k = tried; k < combos; ++k) {
    const std::size_t c = (p.round_robin + k - tried) % combos;
    const SocketAddress& addr = p.discovery[c / listeners];
    const std::size_t li = c % listeners;
    if (!can_reach(li, addr)) continue;
    p.round_robin = c + 1;
    server_->expect_sender(p.handle, sender_bytes(addr));  // its answer is a known endpoint's
    out.datagrams.push_back(
        {li, addr, std::move(bytes), Datagram::Priority::kPeer, ref_of(p), uint32_t(k)});
    return;
  }
  note_failure("Unable to send message: All sockets returned errors.", out);
}

void Runtime::Impl::note_failure(std::string message, Output& out) {
  ++failures;
  RuntimeEvent e{};
  e.kind = failures > options_.max_failures ? RuntimeEvent::Kind::kFatal
                                            : RuntimeEvent::Kind::kFailure;
  e.message = std::move(message);
  e.failures_left = std::max(0, options_.max_failures - failures + 1);
  out.events.push_back(std::move(e));
}

// ---- key events ----

void Runtime::Impl::on_key_event(proto::KeyEvent& ev, Timestamp now, Output& out) {
  RuntimePeer* p = by_handle(ev.peer);
  if (!p) return;
  const bool exchanged = ev.kind == proto::KeyEvent::Kind::kExchanged;
  if (exchanged) {
    failures = 0;  // the spec allows resetting the failure budget after a good exchange
    p->last_exchanged = now;
    ++p->handshakes;
    p->keyed_profile = server_->active_profile(p->handle);  // the wire that just keyed
  } else if (p->current) {
    // Discovery restarts over the last used address and the configured ones.
    const SocketAddress last = p->current->first;
    forget_current(*p);
    p->discovery = p->configured;
    if (std::find(p->discovery.begin(), p->discovery.end(), last) == p->discovery.end()) {
      p->discovery.insert(p->discovery.begin(), last);
    }
    p->round_robin = 0;
  }
  const std::string& id = peer_id(*p);
  RuntimeEvent e{};
  e.kind = exchanged ? RuntimeEvent::Kind::kKeyExchanged : RuntimeEvent::Kind::kKeyStale;
  e.peer = ref_of(*p);
  e.peer_id = id;
  e.message = p->name;
  e.sink_count = p->sinks.size();
  out.events.push_back(std::move(e));
  const base::KeyUpdate update{exchanged ? base::KeyKind::kExchanged : base::KeyKind::kStale,
                               ev.key, id};
  for (auto& sink : p->sinks) {
    base::SinkStatus r = sink->install(update);
    if (r.ok()) continue;
    if (r.error().kind == base::SinkErrorKind::kRejected) {
      RuntimeEvent rej{};
      rej.kind = RuntimeEvent::Kind::kSinkRejected;
      rej.peer = ref_of(*p);
      rej.peer_id = id;
      rej.message = std::move(r.error().message);
      out.events.push_back(std::move(rej));
    } else {
      note_failure(std::move(r.error().message), out);
      out.events.back().peer = ref_of(*p);
      out.events.back().peer_id = id;
      out.events.back().key_output = true;
      return;  // as before: the first failing sink ends this key event
    }
  }
}

// ---- datagrams ----

Output Runtime::Impl::handle(std::size_t listener, const SocketAddress& from,
                             std::span<const uint8_t> datagram, Timestamp now) {
  Output out;
  out.next_wakeup = now;
  if (listener >= options_.listeners.size()) return out;  // not ours: ignored
  proto::HandleResult r = server_->handle(datagram, sender_bytes(from), now);
  if (r.dropped) {
    const auto reason = static_cast<std::size_t>(*r.dropped);
    ++drops[reason];
    if (auto it = by_endpoint_.find(endpoint_key(from)); it != by_endpoint_.end()) {
      ++slots[it->second].drops[reason];
    }
    if (options_.report_drops) {
      RuntimeEvent e{};
      e.kind = RuntimeEvent::Kind::kDropped;
      e.drop_reason = *r.dropped;
      e.from = from;
      out.events.push_back(std::move(e));
    }
  }
  RuntimePeer* authenticated = nullptr;
  if (r.authenticated_peer) {
    if (RuntimePeer* p = by_handle(*r.authenticated_peer)) {
      // Roaming: a fresh authenticated exchange's source becomes the peer's endpoint.
      if (!p->current && p->configured.empty()) server_->set_may_initiate(p->handle, true);
      if (!p->current || !(p->current->first == from) || p->current->second != listener) {
        set_current(*p, from, listener);
      }
      authenticated = p;
    }
  }
  if (r.reply) {
    // Answers to sources we know as a peer's endpoint are peer traffic; the others (cookie
    // replies, RespHellos to unknown addresses) may go to spoofed sources (#17).
    Datagram d{listener, from, std::move(*r.reply), Datagram::Priority::kReply, std::nullopt, 0};
    if (authenticated) {
      d.priority = Datagram::Priority::kPeer;
      d.peer = ref_of(*authenticated);
    } else if (auto it = by_endpoint_.find(endpoint_key(from)); it != by_endpoint_.end()) {
      d.priority = Datagram::Priority::kPeer;
      d.peer = ref_of(slots[it->second]);
    }
    out.datagrams.push_back(std::move(d));
  }
  if (r.event) on_key_event(*r.event, now, out);
  return out;
}

Output Runtime::Impl::poll(Timestamp now) {
  Output out;
  proto::PollResult r = server_->poll(now);
  out.next_wakeup = r.next_wakeup;
  for (auto& ev : r.events) on_key_event(ev, now, out);
  for (auto& d : r.datagrams) {
    if (RuntimePeer* p = by_handle(d.peer)) emit(*p, std::move(d.bytes), 0, out);
  }
  return out;
}

Output Runtime::Impl::send_failed(const Datagram& d, int) {
  Output out;
  if (d.priority != Datagram::Priority::kPeer || !d.peer) return out;
  RuntimePeer* p = find(*d.peer);
  if (!p) return out;
  if (p->current || p->discovery.empty()) {
    note_failure("Unable to send message: All sockets returned errors.", out);
    return out;
  }
  emit(*p, d.bytes, d.attempt + 1, out);
  return out;
}

// ---- public API ----

Result<std::unique_ptr<Runtime>> Runtime::create(RuntimeConfig config) {
  if (!config.public_key) return make_error("the runtime needs our public key");
  if (config.options.listeners.empty()) return make_error("the runtime needs a listener");
  proto::ServerConfig sc;
  sc.public_key = std::move(config.public_key);
  sc.secret_key = std::move(config.secret_key);
  sc.rng = config.options.rng;
  sc.kems = config.options.kems;
  sc.load_policy = std::move(config.options.load_policy);
  std::string why;
  auto server = proto::Server::create(std::move(sc), &why);
  if (!server) return make_error(why);
  return std::unique_ptr<Runtime>(
      new Runtime(std::make_unique<Impl>(std::move(server), std::move(config.options))));
}

Runtime::Runtime(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Runtime::~Runtime() = default;

Result<PeerRef> Runtime::add_peer(PeerSpec spec, Timestamp now) {
  return impl_->add_peer(std::move(spec), now);
}
Status Runtime::update_peer(PeerRef peer, PeerUpdate update, Timestamp) {
  return impl_->update_peer(peer, std::move(update));
}
Status Runtime::remove_peer(PeerRef peer) {
  return impl_->remove_peer(peer);
}
Output Runtime::retire_keys(PeerRef peer, Timestamp now) {
  return impl_->retire_keys(peer, now);
}
std::size_t Runtime::add_listener(Listener listener) {
  return impl_->add_listener(listener);
}

std::optional<PeerStatus> Runtime::status(PeerRef peer, Timestamp) const {
  if (!impl_->find(peer)) return std::nullopt;
  return impl_->status_of(peer.slot);
}

std::vector<PeerStatus> Runtime::status_all(Timestamp) const {
  std::vector<PeerStatus> out;
  for (uint32_t i = 0; i < impl_->slots.size(); ++i) {
    if (impl_->slots[i].live) out.push_back(impl_->status_of(i));
  }
  return out;
}

std::size_t Runtime::peer_count() const {
  return static_cast<std::size_t>(std::count_if(impl_->slots.begin(), impl_->slots.end(),
                                                [](const RuntimePeer& p) { return p.live; }));
}

Output Runtime::handle(std::size_t listener, const SocketAddress& from,
                       std::span<const uint8_t> datagram, Timestamp now) {
  return impl_->handle(listener, from, datagram, now);
}
Output Runtime::poll(Timestamp now) {
  return impl_->poll(now);
}
Output Runtime::send_failed(const Datagram& d, int error, Timestamp now) {
  Output o = impl_->send_failed(d, error);
  o.next_wakeup = now;
  return o;
}
uint64_t Runtime::dropped(proto::DropReason reason) const {
  return impl_->drops[static_cast<std::size_t>(reason)];
}
int Runtime::failures() const {
  return impl_->failures;
}

}  // namespace rosenpass::daemon
