// Server internals: per-peer constants and state, the session index, and the message
// handlers. Kept out of the public header; tests may include it for replay hooks.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "biscuit.h"
#include "chaining_key.h"
#include "cookies.h"
#include "dos_guard.h"
#include "rosenpass/protocol/server.h"
#include "wire.h"

namespace rosenpass::protocol {

inline constexpr int kHashCount = 2;
inline int hash_index(HashChoice h) {
  return h == HashChoice::kShake256 ? 1 : 0;
}
inline HashChoice hash_of(WireProfile p) {
  return p == WireProfile::kV03 ? HashChoice::kShake256 : HashChoice::kBlake2b;
}
inline bool is_legacy(WireProfile p) {
  return p == WireProfile::kV02pc;
}
inline std::size_t sct_size(WireProfile p) {
  return is_legacy(p) ? wire::kSctLegacySize : wire::kSctCurrentSize;
}

using SessionId = std::array<uint8_t, wire::kSidSize>;
inline uint32_t sid_key(const SessionId& s) {
  return wire::load_u32_le(s);
}

// Values derived from a public key once, per keyed hash: the hash passes over 512 KiB that
// do not depend on a handshake.
struct KeyConstants {
  HashValue pid;      // lhash("peer id", spk)
  HashValue ck_init;  // hash(lhash("chaining key init"), spk): init() with spk as responder
  HashValue mac_key;  // hash(lhash("mac"), spk): macs of messages sent to spk's owner
};

// The KeyConstants of one public key per hash, each computed on first use: a peer's id only
// when an InitHello from it must be looked up (or its id is asked for), its chaining-key and
// mac constants at its first handshake under that hash; our own id, chaining-key and mac
// constants when a handshake first needs each. One unneeded pass costs ~0.5 ms.
class KeyConstantsCache {
 public:
  KeyConstantsCache() = default;
  explicit KeyConstantsCache(const mceliece::PublicKey* pk) : pk_(pk) {}
  const HashValue& pid(int hash_index) const { return get(hash_index, kPid); }
  const HashValue& ck_init(int hash_index) const { return get(hash_index, kCkInit); }
  const HashValue& mac_key(int hash_index) const { return get(hash_index, kMacKey); }
  bool has_pid(int hash_index) const { return have_[hash_index] & (1u << kPid); }

  enum Field : uint8_t { kPid, kCkInit, kMacKey };
  struct Want {
    const KeyConstantsCache* cache;
    Field field;
  };
  // Computes those of `wants` (under hash hash_index) not computed yet, together: under V02
  // up to four 512 KiB passes for the price of about 1.3 (crypto::keyed_hash_batch). The
  // first InitHello needs three such values; issue 12 (CPU to the first InitHello).
  static void compute_together(int hash_index, std::span<const Want> wants);

 private:
  bool has(int hash_index, Field f) const { return have_[hash_index] & (1u << f); }
  HashValue& slot(int hash_index, Field f) const;
  static const HashValue& domain_of(const crypto::HashDomains& d, Field f);
  const HashValue& get(int hash_index, Field f) const;
  const mceliece::PublicKey* pk_ = nullptr;
  mutable std::array<KeyConstants, kHashCount> c_{};
  mutable std::array<uint8_t, kHashCount> have_{};  // bit per Field
};

// cookie_reply_key(pk) on first use: a SHAKE256 pass over 512 KiB that only the cookie
// mechanism needs.
class LazyCookieKey {
 public:
  LazyCookieKey() = default;
  explicit LazyCookieKey(const mceliece::PublicKey* pk) : pk_(pk) {}
  operator std::span<const uint8_t, 32>() const;

 private:
  const mceliece::PublicKey* pk_ = nullptr;
  mutable std::optional<std::array<uint8_t, 32>> key_;
};

// Kyber512 round-3 secret key: indcpa_sk(768) || pk(800) || SHA3-256(pk)(32) || z(32) (§2.5).
inline constexpr std::size_t kKyberIndcpaSize = 768;
inline constexpr std::size_t kKyberHashOffset = kKyberIndcpaSize + kyber::kPublicKeySize;
inline constexpr std::size_t kKyberZOffset = kKyberHashOffset + 32;
inline constexpr std::size_t kEskiSecretPartSize = kKyberIndcpaSize + 32;
static_assert(kKyberZOffset + 32 == kyber::kSecretKeySize);

// An initiator handshake in progress (IHI1 until EmptyData or expiry).
struct InitiatorHandshake {
  enum class State : uint8_t { kAwaitRespHello, kAwaitEmptyData };
  State state = State::kAwaitRespHello;
  WireProfile profile;
  SessionId sidi{};
  std::optional<ChainingKey> ck;  // erased once InitConf is built
  // The secret parts of eski (indcpa key, z); its public parts (epki, SHA3-256(epki)) are
  // rebuilt from the stored InitHello, halving what a pending handshake keeps in locked memory.
  std::optional<crypto::Secret<kEskiSecretPartSize>> eski_secret;  // erased after RespHello
  CookieValue cookie_value;  // §5.2; replaced by a CookieReply
  Key32 txkt;                // responder's transmit key, for EmptyData
  uint64_t txnt = 0;
  std::vector<uint8_t> tx;  // last message sent, for retransmission
  Timestamp created{};
  Timestamp next_tx{};
  uint32_t tx_count = 0;
  uint32_t profile_tx = 0;  // transmissions of this handshake (kAuto cycles after a few)
  Timestamp resume_tx{};    // the scheduled transmission a CookieReply hurried
  // Answers (RespHello, EmptyData, CookieReply) we still process for this handshake: one per
  // transmission, so forged answers cannot buy more work than we ourselves sent (§6.2, #17).
  uint32_t answers_allowed = 0;
  // A CookieReply already hurried the next transmission: one hurry per transmission, so
  // forged CookieReplies can neither multiply our InitHellos nor speed up the back-off.
  bool hurried = false;
  Timestamp completed{};  // when RespHello arrived (state kAwaitEmptyData)
  bool may_yield = true;  // see Peer::yield_unanswered
  bool probe = false;     // kAuto: a V02 probe; after a few transmissions, the learned wire
};

struct Session {
  enum class Role : uint8_t { kInitiator, kResponder };
  Role role;
  SessionId sidm{};  // ours (registered in the index)
  SessionId sidt{};  // theirs
  Timestamp created{};
};

// The EmptyData answered to the last first-time InitConf (§8.4).
struct CachedConfirmation {
  std::array<uint8_t, 16> init_conf_hash{};
  std::array<uint8_t, wire::kEmptyDataSize> empty_data{};
  HashChoice hash;
  Timestamp stored{};
};

struct Peer {
  PublicKeyRef pk;
  Psk psk;
  WireProfile configured;
  KeyConstantsCache consts;  // of pk
  std::array<HashValue, kHashCount> osk_domain;
  LazyCookieKey cookie_key;  // to open CookieReplies from this peer
  bool may_initiate;
  bool wins_races;  // our public key sorts higher: our handshake wins a simultaneous start

  // kAuto: what worked last, the profile being tried, consecutive failures.
  std::optional<WireProfile> learned;
  uint8_t auto_index = 0;
  uint8_t failures = 0;

  BiscuitNo biscuit_used{};
  // Race bookkeeping (README "Simultaneous starts"). InitConfs whose biscuit is below
  // `confirmed_floor` were issued before the peer confirmed our own handshake: they lost.
  std::optional<BiscuitNo> confirmed_floor;
  // The loser of the key order yielded its handshake to the peer's InitHello: it does not
  // initiate again before `hold_until`. If that yield brought no exchange (the InitHello was
  // a replay, or the peer cannot reach us), the next handshake does not yield, so a replayed
  // InitHello costs at most one hold period.
  Timestamp hold_until{};
  bool yield_unanswered = false;

  // kAuto settled on another wire than V02: one later initiation tries V02 first (#16).
  bool probed_v02 = false;
  // Which wire each recently issued biscuit answered, to learn a kAuto peer's profile from
  // its InitConf (an InitConf looks the same on both BLAKE2b wires).
  std::array<std::pair<BiscuitNo, WireProfile>, 4> issued{};
  uint8_t issued_next = 0;
  // Sender of the last authenticated message and the address we send to (known endpoints,
  // preferred under load).
  std::optional<uint64_t> known_sender;
  std::optional<uint64_t> expected_sender;

  std::unique_ptr<InitiatorHandshake> hs;
  std::optional<Session> session;
  std::optional<CachedConfirmation> cache;

  // poll()'s bookkeeping: the time of this peer's entry in the timer heap (max: none), and
  // whether its state changed since the last poll (Server::Impl::touch).
  Timestamp timer_at = Timestamp::max();
  bool touched = false;
};

// Peer ids hashed per poll() while some are not indexed yet (Server::Impl::index_some).
inline constexpr std::size_t kIdsIndexedPerPoll = 2;
inline constexpr Timestamp kIdIndexInterval = std::chrono::milliseconds(1);  // between such polls

class Server::Impl {
 public:
  explicit Impl(ServerConfig config);

  std::optional<PeerHandle> add_peer(PeerConfig config);
  bool remove_peer(uint32_t index);
  HandleResult handle(std::span<const uint8_t> msg, std::span<const uint8_t> sender, Timestamp now);
  PollResult poll(Timestamp now);
  std::optional<std::vector<uint8_t>> initiate(uint32_t peer, Timestamp now);
  // The peer's timers may have changed: the next poll() looks at it.
  void touch(uint32_t index);
  WireProfile active_profile(const Peer& p) const;

  // Replay hooks (test-vectors/README.md): overwrite secret values, keep creation times.
  void overwrite_secrets(std::span<const uint8_t, 16> cookie0, std::span<const uint8_t, 16> cookie1,
                         std::span<const uint8_t, 32> biscuit0,
                         std::span<const uint8_t, 32> biscuit1);

  std::vector<std::unique_ptr<Peer>> peers;  // null: removed (handles are never reused)
  // The peer behind a handle, or null when the handle is unknown or removed.
  Peer* find(uint32_t index) const { return index < peers.size() ? peers[index].get() : nullptr; }
  std::array<uint64_t, 11> drops{};

  // Points `slot` (a peer's known or expected sender) at `sender`, keeping known_senders_'s
  // counts right.
  void track_sender(std::optional<uint64_t>& slot, std::span<const uint8_t> sender);
 private:
  HandleResult dispatch(std::span<const uint8_t> msg, std::span<const uint8_t> sender,
                        Timestamp now);
  HandleResult on_init_hello(std::span<const uint8_t> msg, std::span<const uint8_t> sender,
                             Timestamp now);
  HandleResult on_resp_hello(std::span<const uint8_t> msg, Timestamp now);
  HandleResult on_init_conf(std::span<const uint8_t> msg, Timestamp now);
  HandleResult on_empty_data(std::span<const uint8_t> msg, Timestamp now);
  HandleResult on_cookie_reply(std::span<const uint8_t> msg, Timestamp now);
  // An answer to our handshake: within its budget (always outside load), or dropped.
  bool take_answer(InitiatorHandshake& hs, Timestamp now);
  bool loaded(Timestamp now) const { return now < loaded_until_; }
  void untrack_sender(std::optional<uint64_t>& slot);
  bool any_peer_allows(WireProfile used) const;

  // A peer about to be changed (touched for poll()).
  Peer& mut(uint32_t index) {
    touch(index);
    return *peers[index];
  }
  // poll() for one peer; returns when it is due next (max: nothing scheduled).
  Timestamp poll_peer(uint32_t index, Timestamp now, PollResult& r);

  HandleResult drop(DropReason r) {
    ++drops[static_cast<std::size_t>(r)];
    HandleResult out;
    out.dropped = r;
    return out;
  }
  // The mac of `msg` under `mac_key` (first 16 bytes of hash(mac_key, M[0..L-32))).
  static bool mac_ok(std::span<const uint8_t> msg, const HashValue& mac_key, HashChoice h);
  static void seal_mac(std::span<uint8_t> msg, const HashValue& mac_key, HashChoice h);
  // Which of our hashes the mac of an InitHello/InitConf was made with.
  std::optional<HashChoice> discover_hash(std::span<const uint8_t> msg, bool legacy) const;
  bool profile_allows(const Peer& p, WireProfile used) const;
  std::optional<uint32_t> peer_by_pid(HashChoice h, std::span<const uint8_t, 32> pid) const;
  // Indexes up to `budget` peers' ids (hash passes); false when none are left.
  bool index_some(std::size_t budget) const;
  HashValue biscuit_ad(HashChoice h, const SessionId& sidi, const SessionId& sidr) const;
  std::array<uint8_t, 16> init_conf_hash(std::span<const uint8_t> msg) const;

  void schedule_retransmit(InitiatorHandshake& hs, Timestamp now);
  bool register_sid(const SessionId& sid, uint32_t peer);
  void release_sid(const SessionId& sid, uint32_t peer);
  void drop_handshake(uint32_t peer);
  void install_session(uint32_t peer, Session s);
  KeyEvent exchanged(uint32_t peer, const ChainingKey& ck);
  void on_handshake_failed(Peer& p);
  void learn_profile(Peer& p, WireProfile used);
  void remember_issued(Peer& p, const BiscuitNo& n, WireProfile used);

  PublicKeyRef own_pk_;
  mceliece::SecretKey own_sk_;
  crypto::RandomSource* rng_;
  const KemSuite* kems_;
  std::unique_ptr<LoadPolicy> load_;
  std::unordered_map<uint64_t, uint32_t> known_senders_;  // sender digest -> peers using it

  KeyConstantsCache own_;  // over our own public key
  // hash(lhash("biscuit additional data"), spk), computed on first use.
  mutable std::array<std::optional<HashValue>, kHashCount> biscuit_ad_;
  LazyCookieKey own_cookie_key_;
  Key32 cache_key_;
  BiscuitJar biscuits_;
  CookieJar cookies_;
  WorkLimiter limiter_;
  Timestamp loaded_until_{};
  std::array<int, 3> allowed_{};  // peers allowing each wire (V02, V03, V02-pc), kAuto in all

  // Peer ids -> peer index, per hash. A peer's id (a 512 KiB hash pass) is computed after it
  // was added: a few per poll() (index_some) or, at an InitHello from an id not indexed yet,
  // all that are left (`unindexed_`). Adding a peer hashes nothing: duplicates are found by
  // comparing the public keys themselves (`by_key_prefix_`: first 8 bytes -> peers).
  mutable std::array<std::map<HashValue, uint32_t>, kHashCount> by_pid_;
  mutable std::array<std::vector<uint32_t>, kHashCount> unindexed_;
  std::unordered_multimap<uint64_t, uint32_t> by_key_prefix_;
  std::unordered_map<uint32_t, uint32_t> by_sid_;  // session id -> peer index

  // Peers' next due times (min-heap; an entry is live while it equals the peer's timer_at)
  // and the peers touched since the last poll.
  struct TimerEntry {
    Timestamp at;
    uint32_t peer;
    auto operator<=>(const TimerEntry&) const = default;
  };
  std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> timers_;
  std::vector<uint32_t> touched_;
  bool polling_ = false;
};

// Reaches inside a Server (the recorded-vector replay test); not part of the API.
Server::Impl& server_impl(Server& server);

}  // namespace rosenpass::protocol
