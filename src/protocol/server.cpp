// Server setup, dispatch, the session index and the public API forwarding.
#include <algorithm>

#include "rosenpass/crypto/constant_time.h"
#include "rosenpass/crypto/keccak.h"
#include "server_impl.h"
#include "timing.h"

namespace rosenpass::protocol {

namespace {

HashChoice hash_at(int hash_index) {
  return hash_index == 1 ? HashChoice::kShake256 : HashChoice::kBlake2b;
}

std::vector<HashChoice> hashes_for(WireProfile p) {
  if (p == WireProfile::kAuto) return {HashChoice::kBlake2b, HashChoice::kShake256};
  return {hash_of(p)};
}

// Server::create() has refused a config without KEMs in a build without the real ones.
const KemSuite* pick_kems(const KemSuite* given) {
#ifdef RP_HAVE_KEMS
  if (!given) return &default_kem_suite();
#endif
  return given;
}

}  // namespace

HashValue& KeyConstantsCache::slot(int hi, Field f) const {
  switch (f) {
    case kPid:
      return c_[hi].pid;
    case kCkInit:
      return c_[hi].ck_init;
    case kMacKey:
      break;
  }
  return c_[hi].mac_key;
}

// The hash-domain key each constant is hashed under (its label in the domain tree).
const HashValue& KeyConstantsCache::domain_of(const crypto::HashDomains& d, Field f) {
  switch (f) {
    case kPid:
      return d.peer_id;
    case kCkInit:
      return d.chaining_key_init;
    case kMacKey:
      break;
  }
  return d.mac;
}

void KeyConstantsCache::compute_together(int hi, std::span<const Want> wants) {
  const HashChoice h = hash_at(hi);
  const auto& d = crypto::hash_domains(h);
  HashValue unused{};  // fixed-size spans have no empty state: unused slots point here
  const crypto::KeyedHashJob none{unused, {}, unused};
  std::array<crypto::KeyedHashJob, 4> jobs{none, none, none, none};
  std::array<const Want*, 4> of{};
  std::size_t n = 0;
  for (const Want& w : wants) {
    if (n == jobs.size()) break;
    if (!w.cache->pk_ || w.cache->has(hi, w.field)) continue;
    jobs[n] = crypto::KeyedHashJob{domain_of(d, w.field), *w.cache->pk_,
                                   w.cache->slot(hi, w.field)};
    of[n++] = &w;
  }
  crypto::keyed_hash_batch(h, std::span(jobs).first(n));
  for (std::size_t i = 0; i < n; ++i) {
    const Want& w = *of[i];
    w.cache->have_[hi] = uint8_t(w.cache->have_[hi] | (1u << w.field));
  }
}

const HashValue& KeyConstantsCache::get(int hi, Field f) const {
  HashValue& value = slot(hi, f);
  if (!has(hi, f)) {
    const HashChoice h = hash_at(hi);
    value = crypto::keyed_hash(h, domain_of(crypto::hash_domains(h), f), *pk_);
    have_[hi] = uint8_t(have_[hi] | (1u << f));
  }
  return value;
}

LazyCookieKey::operator std::span<const uint8_t, 32>() const {
  if (!key_) key_ = cookie_reply_key(*pk_);
  return *key_;
}

Server::Impl::Impl(ServerConfig config)
    : own_pk_(std::move(config.public_key)),
      own_sk_(std::move(config.secret_key)),
      rng_(config.rng ? config.rng : &crypto::system_random()),
      kems_(pick_kems(config.kems)),
      load_(config.load_policy ? std::move(config.load_policy) : make_rate_load_policy()),
      cache_key_(Key32::random(*rng_)),
      biscuits_(*rng_),
      cookies_(*rng_),
      limiter_(*rng_) {
  own_ = KeyConstantsCache(own_pk_.get());
  own_cookie_key_ = LazyCookieKey(own_pk_.get());
}

std::optional<PeerHandle> Server::Impl::add_peer(PeerConfig config) {
  if (!config.public_key) return std::nullopt;
  auto p = std::make_unique<Peer>();
  p->pk = std::move(config.public_key);
  p->configured = config.profile;
  p->may_initiate = config.may_initiate;
  if (config.psk) p->psk = std::move(*config.psk);
  p->consts = KeyConstantsCache(p->pk.get());
  // Public keys are public: plain comparisons; McEliece keys differ within their first bytes.
  const uint64_t prefix = wire::load_u64_le(std::span<const uint8_t>(*p->pk).first<8>());
  for (auto [it, end] = by_key_prefix_.equal_range(prefix); it != end; ++it) {
    if (*find(it->second)->pk == *p->pk) return std::nullopt;
  }
  for (HashChoice h : hashes_for(p->configured)) {
    int hi = hash_index(h);
    p->osk_domain[hi] = config.osk.organization.empty()
                            ? crypto::hash_domains(h).osk_wireguard
                            : crypto::osk_domain(h, config.osk.organization, config.osk.labels);
  }
  p->cookie_key = LazyCookieKey(p->pk.get());
  // Any order both sides agree on works; the public keys are the only shared, distinct values.
  p->wins_races =
      std::lexicographical_compare(p->pk->begin(), p->pk->end(), own_pk_->begin(), own_pk_->end());
  uint32_t index = static_cast<uint32_t>(peers.size());
  by_key_prefix_.emplace(prefix, index);
  for (WireProfile w : {WireProfile::kV02, WireProfile::kV03, WireProfile::kV02pc}) {
    if (profile_allows(*p, w)) ++allowed_[static_cast<std::size_t>(w)];
  }
  for (HashChoice h : hashes_for(p->configured)) unindexed_[hash_index(h)].push_back(index);
  peers.push_back(std::move(p));
  touch(index);  // its first initiation is due
  return PeerHandle{index};
}

bool Server::Impl::remove_peer(uint32_t index) {
  Peer* p = find(index);
  if (!p) return false;
  for (auto& index_of : by_pid_) {
    std::erase_if(index_of, [index](const auto& entry) { return entry.second == index; });
  }
  std::erase_if(by_key_prefix_, [index](const auto& entry) { return entry.second == index; });
  for (auto& pending : unindexed_) std::erase(pending, index);
  for (WireProfile w : {WireProfile::kV02, WireProfile::kV03, WireProfile::kV02pc}) {
    if (profile_allows(*p, w)) --allowed_[static_cast<std::size_t>(w)];
  }
  untrack_sender(p->known_sender);  // its addresses no longer count as a known peer's
  untrack_sender(p->expected_sender);
  std::erase_if(by_sid_, [index](const auto& entry) { return entry.second == index; });
  peers[index].reset();  // wipes its PSK, handshake and session secrets
  return true;
}

void Server::Impl::overwrite_secrets(std::span<const uint8_t, 16> cookie0,
                                     std::span<const uint8_t, 16> cookie1,
                                     std::span<const uint8_t, 32> biscuit0,
                                     std::span<const uint8_t, 32> biscuit1) {
  cookies_.overwrite_secret(0, cookie0);
  cookies_.overwrite_secret(1, cookie1);
  biscuits_.overwrite_key(0, biscuit0);
  biscuits_.overwrite_key(1, biscuit1);
}

namespace {
constexpr std::array<WireProfile, 3> kAutoCycle = {WireProfile::kV02, WireProfile::kV02pc,
                                                   WireProfile::kV03};
}  // namespace

WireProfile Server::Impl::active_profile(const Peer& p) const {
  if (p.configured != WireProfile::kAuto) return p.configured;
  if (p.learned) return *p.learned;
  return kAutoCycle[p.auto_index % kAutoCycle.size()];
}

bool Server::Impl::any_peer_allows(WireProfile used) const {
  return allowed_[static_cast<std::size_t>(used)] > 0;
}

void Server::Impl::learn_profile(Peer& p, WireProfile used) {
  p.yield_unanswered = false;
  if (p.configured != WireProfile::kAuto) return;
  if (p.learned != used) p.probed_v02 = false;
  p.learned = used;
  p.failures = 0;
}

void Server::Impl::remember_issued(Peer& p, const BiscuitNo& n, WireProfile used) {
  p.issued[p.issued_next] = {n, used};
  p.issued_next = uint8_t((p.issued_next + 1) % p.issued.size());
}

void Server::Impl::untrack_sender(std::optional<uint64_t>& slot) {
  if (!slot) return;
  auto it = known_senders_.find(*slot);
  if (it != known_senders_.end() && --it->second == 0) known_senders_.erase(it);
  slot.reset();
}

void Server::Impl::track_sender(std::optional<uint64_t>& slot, std::span<const uint8_t> sender) {
  const uint64_t key = limiter_.sender_key(sender);
  if (slot == key) return;
  untrack_sender(slot);
  slot = key;
  ++known_senders_[key];
}

bool Server::Impl::take_answer(InitiatorHandshake& hs, Timestamp now) {
  if (hs.answers_allowed == 0 && loaded(now)) return false;
  if (hs.answers_allowed > 0) --hs.answers_allowed;
  return true;
}

void Server::Impl::on_handshake_failed(Peer& p) {
  if (p.configured != WireProfile::kAuto) return;
  if (p.learned) {
    if (++p.failures < timing::kAutoFailuresBeforeRetry) return;
    // The learned wire stopped working (peer upgraded or downgraded?): cycle again, starting
    // after it.
    WireProfile was = *p.learned;
    p.learned.reset();
    p.failures = 0;
    p.auto_index = was == WireProfile::kV02 ? 1 : was == WireProfile::kV02pc ? 2 : 0;
    return;
  }
  p.auto_index = uint8_t((p.auto_index + 1) % kAutoCycle.size());
}

HandleResult Server::Impl::handle(std::span<const uint8_t> msg, std::span<const uint8_t> sender,
                                  Timestamp now) {
  HandleResult r = dispatch(msg, sender, now);
  // The source of a fresh authenticated exchange is a known endpoint, preferred under load.
  if (r.authenticated_peer) track_sender(peers[r.authenticated_peer->index]->known_sender, sender);
  return r;
}

HandleResult Server::Impl::dispatch(std::span<const uint8_t> msg, std::span<const uint8_t> sender,
                                    Timestamp now) {
  if (msg.empty()) return drop(DropReason::kBadLength);
  const std::size_t n = msg.size();
  switch (msg[0]) {
    case wire::kTypeInitHello:
      if (n != wire::kInitHelloSize && n != wire::kInitHelloLegacySize) break;
      return on_init_hello(msg, sender, now);
    case wire::kTypeRespHello:
      if (n != wire::kRespHelloSize && n != wire::kRespHelloLegacySize) break;
      return on_resp_hello(msg, now);
    case wire::kTypeInitConf:
      if (n != wire::kInitConfSize) break;
      return on_init_conf(msg, now);
    case wire::kTypeEmptyData:
      if (n != wire::kEmptyDataSize) break;
      return on_empty_data(msg, now);
    case wire::kTypeCookieReply:
      if (n != wire::kCookieReplySize) break;
      return on_cookie_reply(msg, now);
    default:
      return drop(DropReason::kUnknownType);
  }
  return drop(DropReason::kBadLength);
}

bool Server::Impl::mac_ok(std::span<const uint8_t> msg, const HashValue& mac_key, HashChoice h) {
  auto full = crypto::keyed_hash(h, mac_key, msg.first(wire::mac_offset(msg.size())));
  return crypto::ct_equal(std::span(full).first<wire::kMacSize>(),
                          msg.subspan(wire::mac_offset(msg.size()), wire::kMacSize));
}

void Server::Impl::seal_mac(std::span<uint8_t> msg, const HashValue& mac_key, HashChoice h) {
  auto full = crypto::keyed_hash(h, mac_key, msg.first(wire::mac_offset(msg.size())));
  std::copy_n(full.begin(), wire::kMacSize, msg.begin() + wire::mac_offset(msg.size()));
}

std::optional<HashChoice> Server::Impl::discover_hash(std::span<const uint8_t> msg,
                                                      bool legacy) const {
  // §13.8: the mac under each candidate hash tells which one the sender used; SHAKE256
  // first, as the reference tries it first. The legacy wire only knows BLAKE2b. Without a
  // peer that may use V03, BLAKE2b first: a V02 message then never computes the SHAKE256
  // mac key (a pass over our 512 KiB key), and a V03 one is still named as such (dropped as
  // the wrong wire, not as a bad mac). Both orders accept the same messages.
  const bool shake_first = any_peer_allows(WireProfile::kV03);
  if (!legacy && shake_first && mac_ok(msg, own_.mac_key(1), HashChoice::kShake256)) {
    return HashChoice::kShake256;
  }
  if (mac_ok(msg, own_.mac_key(0), HashChoice::kBlake2b)) return HashChoice::kBlake2b;
  if (!legacy && !shake_first && mac_ok(msg, own_.mac_key(1), HashChoice::kShake256)) {
    return HashChoice::kShake256;
  }
  return std::nullopt;
}

bool Server::Impl::profile_allows(const Peer& p, WireProfile used) const {
  return p.configured == WireProfile::kAuto || p.configured == used;
}

std::optional<uint32_t> Server::Impl::peer_by_pid(HashChoice h,
                                                  std::span<const uint8_t, 32> pid) const {
  HashValue key;
  std::copy(pid.begin(), pid.end(), key.begin());
  auto& m = by_pid_[hash_index(h)];
  auto it = m.find(key);
  if (it == m.end() && !unindexed_[hash_index(h)].empty()) {
    // The sender may be a peer whose id is not indexed yet: index them all now (once).
    for (uint32_t i : unindexed_[hash_index(h)]) {
      if (const Peer* p = find(i)) m.emplace(p->consts.pid(hash_index(h)), i);
    }
    unindexed_[hash_index(h)].clear();
    it = m.find(key);
  }
  if (it == m.end()) return std::nullopt;
  return it->second;
}

bool Server::Impl::index_some(std::size_t budget) const {
  for (int hi = 0; hi < kHashCount; ++hi) {
    auto& pending = unindexed_[hi];
    while (!pending.empty()) {
      if (budget == 0) return true;
      const uint32_t i = pending.back();
      pending.pop_back();
      const Peer* p = find(i);
      if (!p) continue;
      if (!p->consts.has_pid(hi)) --budget;
      by_pid_[hi].emplace(p->consts.pid(hi), i);
    }
  }
  return false;
}

HashValue Server::Impl::biscuit_ad(HashChoice h, const SessionId& sidi,
                                   const SessionId& sidr) const {
  auto& ad = biscuit_ad_[hash_index(h)];
  if (!ad) ad = crypto::keyed_hash(h, crypto::hash_domains(h).biscuit_ad, *own_pk_);
  return crypto::hash_fold(h, *ad, {sidi, sidr});
}

std::array<uint8_t, 16> Server::Impl::init_conf_hash(std::span<const uint8_t> msg) const {
  crypto::Shake256 s;
  s.absorb(cache_key_.reveal());
  s.absorb(msg.first(wire::cookie_offset(msg.size())));
  std::array<uint8_t, 16> out;
  s.squeeze(out);
  return out;
}

bool Server::Impl::register_sid(const SessionId& sid, uint32_t peer) {
  auto [it, fresh] = by_sid_.emplace(sid_key(sid), peer);
  return fresh || it->second == peer;
}

void Server::Impl::release_sid(const SessionId& sid, uint32_t peer) {
  const Peer& p = *peers[peer];
  if (p.hs && p.hs->sidi == sid) return;
  if (p.session && p.session->sidm == sid) return;
  auto it = by_sid_.find(sid_key(sid));
  if (it != by_sid_.end() && it->second == peer) by_sid_.erase(it);
}

void Server::Impl::drop_handshake(uint32_t peer) {
  Peer& p = mut(peer);
  if (!p.hs) return;
  SessionId sid = p.hs->sidi;
  p.hs.reset();
  release_sid(sid, peer);
}

void Server::Impl::install_session(uint32_t peer, Session s) {
  Peer& p = mut(peer);
  std::optional<SessionId> old;
  if (p.session) old = p.session->sidm;
  p.session = s;
  if (old && *old != s.sidm) release_sid(*old, peer);
}

KeyEvent Server::Impl::exchanged(uint32_t peer, const ChainingKey& ck) {
  return KeyEvent{PeerHandle{peer}, KeyEvent::Kind::kExchanged,
                  ck.derive(peers[peer]->osk_domain[hash_index(ck.choice())])};
}

void Server::Impl::schedule_retransmit(InitiatorHandshake& hs, Timestamp now) {
  std::array<uint8_t, 8> r;
  rng_->fill(r);
  double unit = double(wire::load_u64_le(r) >> 11) * 0x1.0p-53;  // uniform in [0, 1)
  hs.next_tx = now + timing::retransmit_delay(hs.tx_count, unit);
  ++hs.tx_count;
}

void Server::Impl::touch(uint32_t index) {
  if (polling_) return;  // poll() reschedules the peer it works on itself
  Peer* p = find(index);
  if (p && !p->touched) {
    p->touched = true;
    touched_.push_back(index);
  }
}

PollResult Server::Impl::poll(Timestamp now) {
  PollResult r;
  Timestamp next = now + timing::kMaxSleep;
  auto consider = [&](Timestamp t) { next = std::min(next, t); };
  if (auto t = biscuits_.expire(now, *rng_)) consider(*t);
  if (auto t = cookies_.expire(now)) consider(*t);

  // Only peers whose state changed since the last poll and those with a timer due: O(log n)
  // per event instead of a scan of every peer. Worked on in index order, as a scan would.
  std::vector<uint32_t> work;
  work.swap(touched_);
  for (uint32_t i : work) {
    if (Peer* p = find(i)) p->touched = false;
  }
  while (!timers_.empty() && timing::due(timers_.top().at, now)) {
    const TimerEntry e = timers_.top();
    timers_.pop();
    Peer* p = find(e.peer);
    if (p && p->timer_at == e.at) work.push_back(e.peer);  // else stale: rescheduled since
  }
  std::sort(work.begin(), work.end());
  work.erase(std::unique(work.begin(), work.end()), work.end());
  polling_ = true;
  for (uint32_t i : work) {
    Peer* p = find(i);
    if (!p) continue;  // removed
    p->timer_at = poll_peer(i, now, r);
    if (p->timer_at != Timestamp::max()) timers_.push({p->timer_at, i});
  }
  polling_ = false;
  // Stale entries (a peer rescheduled or removed) pile up only between their times; drop
  // them when they outnumber the peers.
  if (timers_.size() > 2 * peers.size() + 64) {
    std::vector<TimerEntry> live;
    for (uint32_t i = 0; i < peers.size(); ++i) {
      if (peers[i] && peers[i]->timer_at != Timestamp::max())
        live.push_back({peers[i]->timer_at, i});
    }
    timers_ = decltype(timers_)(std::greater<>(), std::move(live));
  }
  if (!timers_.empty()) consider(timers_.top().at);
  // Peer ids not indexed yet: a few per poll, never before this poll's datagrams are out.
  if (!unindexed_[0].empty() || !unindexed_[1].empty()) {
    if (r.datagrams.empty()) index_some(kIdsIndexedPerPoll);
    if (!unindexed_[0].empty() || !unindexed_[1].empty()) consider(now + kIdIndexInterval);
  }
  r.next_wakeup = std::max(next, now);
  return r;
}

Timestamp Server::Impl::poll_peer(uint32_t i, Timestamp now, PollResult& r) {
  Timestamp next = Timestamp::max();
  auto consider = [&](Timestamp t) { next = std::min(next, t); };
  {
    Peer& p = *peers[i];
    if (p.cache && timing::due(p.cache->stored + timing::kInitConfCacheLifetime, now)) {
      p.cache.reset();
    }
    if (p.session && timing::due(p.session->created + timing::kRejectAfter, now)) {
      SessionId sid = p.session->sidm;
      p.session.reset();
      release_sid(sid, i);
      r.events.push_back({PeerHandle{i}, KeyEvent::Kind::kStale, OutputKey::random(*rng_)});
    }
    if (p.hs) {
      InitiatorHandshake& hs = *p.hs;
      bool awaiting_hello = hs.state == InitiatorHandshake::State::kAwaitRespHello;
      bool cycling = p.configured == WireProfile::kAuto && (!p.learned || hs.probe) &&
                     awaiting_hello && hs.profile_tx >= timing::kAutoTransmissionsPerProfile;
      if (timing::due(hs.created + timing::kRejectAfter, now)) {
        drop_handshake(i);
        if (awaiting_hello) on_handshake_failed(p);
      } else if (cycling && timing::due(hs.next_tx, now)) {
        // The next wire, on the same back-off schedule and lifetime.
        const uint32_t sent = hs.tx_count;
        const Timestamp created = hs.created;
        const bool may_yield = hs.may_yield;
        const bool was_probe = hs.probe;
        drop_handshake(i);
        if (was_probe) {
          p.probed_v02 = true;  // V02 unanswered: back to the learned wire, no more probes
        } else {
          on_handshake_failed(p);
        }
        if (auto m = initiate(i, now)) {
          p.hs->created = created;
          p.hs->may_yield = may_yield;
          p.hs->tx_count = sent;
          schedule_retransmit(*p.hs, now);
          r.datagrams.push_back({PeerHandle{i}, std::move(*m)});
        }
      } else if (timing::due(hs.next_tx, now)) {
        // InitHello gets a fresh cookie (a CookieReply may have arrived); InitConf is re-sent
        // byte for byte (§5.2).
        if (awaiting_hello && !is_legacy(hs.profile)) seal_cookie(hs.tx, hs.cookie_value.reveal());
        r.datagrams.push_back({PeerHandle{i}, hs.tx});
        hs.answers_allowed = std::min<uint32_t>(hs.answers_allowed + 1, 4);
        if (hs.resume_tx != Timestamp{}) {
          // Hurried by a CookieReply: the back-off continues as scheduled.
          hs.next_tx = std::max(hs.resume_tx, now + timing::kEventGrace);
          hs.resume_tx = Timestamp{};
        } else {
          hs.hurried = false;
          ++hs.profile_tx;
          schedule_retransmit(hs, now);
        }
      }
    }
    if (p.may_initiate && !p.hs) {
      Timestamp start = std::max(now, p.hold_until);
      if (p.session) {
        start = std::max(p.hold_until,
                         p.session->created + (p.session->role == Session::Role::kResponder
                                                   ? timing::kRekeyAfterResponder
                                                   : timing::kRekeyAfterInitiator));
      }
      if (timing::due(start, now)) {
        if (auto m = initiate(i, now))
          r.datagrams.push_back({PeerHandle{i}, std::move(*m)});
        else
          consider(now + std::chrono::seconds(1));  // no free session id: try again
      } else {
        consider(start);
      }
    }
    if (p.hs) {
      consider(p.hs->next_tx);
      consider(p.hs->created + timing::kRejectAfter);
    }
    if (p.session) consider(p.session->created + timing::kRejectAfter);
    if (p.cache) consider(p.cache->stored + timing::kInitConfCacheLifetime);
  }
  return next;
}

// ---- public API ----

std::unique_ptr<Server> Server::create(ServerConfig config, std::string* error) {
  const char* why = nullptr;
  if (!config.public_key) why = "the server needs its public key";
#ifndef RP_HAVE_KEMS
  if (!config.kems) why = "no KEM implementation was built; pass ServerConfig::kems";
#endif
  if (why) {
    if (error) *error = why;
    return nullptr;
  }
  return std::unique_ptr<Server>(new Server(std::move(config)));
}

Server::Server(ServerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Server::~Server() = default;

Server::Impl& server_impl(Server& server) {
  return *server.impl_;
}

std::optional<PeerHandle> Server::add_peer(PeerConfig config) {
  return impl_->add_peer(std::move(config));
}

bool Server::remove_peer(PeerHandle peer) {
  return impl_->remove_peer(peer.index);
}

void Server::set_may_initiate(PeerHandle peer, bool may) {
  if (Peer* p = impl_->find(peer.index)) {
    p->may_initiate = may;
    impl_->touch(peer.index);
  }
}

void Server::expect_sender(PeerHandle peer, std::span<const uint8_t> sender) {
  if (Peer* p = impl_->find(peer.index)) impl_->track_sender(p->expected_sender, sender);
}

void Server::set_psk(PeerHandle peer, Psk psk) {
  if (Peer* p = impl_->find(peer.index)) p->psk = std::move(psk);
}

HandleResult Server::handle(std::span<const uint8_t> datagram, std::span<const uint8_t> sender,
                            Timestamp now) {
  return impl_->handle(datagram, sender, now);
}

PollResult Server::poll(Timestamp now) {
  return impl_->poll(now);
}

std::optional<std::vector<uint8_t>> Server::initiate(PeerHandle peer, Timestamp now) {
  if (!impl_->find(peer.index)) return std::nullopt;
  return impl_->initiate(peer.index, now);
}

WireProfile Server::active_profile(PeerHandle peer) const {
  const Peer* p = impl_->find(peer.index);
  return p ? impl_->active_profile(*p) : WireProfile::kAuto;
}

std::array<uint8_t, 32> Server::peer_id(PeerHandle peer) const {
  const Peer* p = impl_->find(peer.index);
  if (!p) return {};
  return p->consts.pid(hash_index(hash_of(impl_->active_profile(*p))));
}

std::optional<Timestamp> Server::next_initiation(PeerHandle peer) const {
  const Peer* p = impl_->find(peer.index);
  if (!p || !p->may_initiate || p->hs) return std::nullopt;
  if (!p->session) return Timestamp(0);  // due at the next poll
  return p->session->created + (p->session->role == Session::Role::kResponder
                                    ? timing::kRekeyAfterResponder
                                    : timing::kRekeyAfterInitiator);
}

uint64_t Server::dropped(DropReason reason) const {
  static_assert(static_cast<std::size_t>(DropReason::kLostRace) + 1 ==
                std::tuple_size_v<decltype(impl_->drops)>);
  return impl_->drops[static_cast<std::size_t>(reason)];
}

std::size_t Server::peer_count() const {
  return static_cast<std::size_t>(std::count_if(impl_->peers.begin(), impl_->peers.end(),
                                                [](const auto& p) { return p != nullptr; }));
}

}  // namespace rosenpass::protocol
