// daemon::Runtime: the running daemon as a sans-IO object (application.md §4), like
// protocol::Server one layer down. It owns the peers (by stable, generation-checked PeerRefs),
// their endpoints and discovery over several addresses, roaming, the failure budget (§4.10)
// and each peer's key sinks, bound once when the peer is added. It never touches sockets,
// clocks, files or DNS: the caller feeds received datagrams and the time in, sends the
// datagrams that come out and reacts to the events (log, exit). Used by the daemon's event
// loop (daemon.h), the control API and the C API; not thread-safe (one thread at a time).
//
//   auto rt = *Runtime::create({pk, std::move(sk), options});
//   PeerRef p = *rt->add_peer(std::move(spec), now);       // spec: see peer_loader.h
//   on datagram: Output o = rt->handle(listener, from, bytes, now);
//   at wake-up:  Output o = rt->poll(now);
//   send o.datagrams (kReply without blocking); log o.events; stop on kFatal;
//   on a send error: o = rt->send_failed(datagram, errno, now) (tries the next address);
//   call poll() again at o.next_wakeup at the latest, and after every handle().
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rosenpass/base/key_sink.h"
#include "rosenpass/base/result.h"
#include "rosenpass/daemon/socket_address.h"
#include "rosenpass/protocol/server.h"

namespace rosenpass::daemon {

using Timestamp = protocol::Timestamp;  // monotonic, from an epoch the caller chooses

// Names one peer of one Runtime. A removed peer's ref never names a later peer: the slot may
// be reused, the generation differs. to_u64/from_u64 carry it through C and the control API.
struct PeerRef {
  uint32_t slot = 0;
  uint32_t generation = 0;
  uint64_t to_u64() const { return uint64_t{generation} << 32 | slot; }
  static PeerRef from_u64(uint64_t v) { return {uint32_t(v), uint32_t(v >> 32)}; }
  friend bool operator==(PeerRef, PeerRef) = default;
};

// One listening socket as the Runtime needs to know it: which addresses it can reach.
// Datagrams in and out name their socket by its index in RuntimeOptions::listeners.
struct Listener {
  int family = 0;        // AF_INET or AF_INET6
  bool v6_only = false;  // AF_INET6: false = dual-stack, also reaches IPv4 (v4-mapped)
};

struct RuntimeOptions {
  std::vector<Listener> listeners;  // at least one
  int max_failures = 10;            // §4.10: the failure after this many ends the daemon
  bool report_drops = false;        // emit kDropped events (the shell logs them rate-limited)
  crypto::RandomSource* rng = nullptr;                  // null = system_random()
  const protocol::KemSuite* kems = nullptr;             // null = the real KEMs
  std::unique_ptr<protocol::LoadPolicy> load_policy;    // null = the protocol's default
};

struct RuntimeConfig {
  protocol::PublicKeyRef public_key;  // our static McEliece public key (524,160 bytes)
  protocol::mceliece::SecretKey secret_key;
  RuntimeOptions options;
};

// Everything about one peer, ready to run: keys loaded, endpoint resolved, sinks bound.
// load_peer() (peer_loader.h) builds one from a config-file peer.
struct PeerSpec {
  protocol::PublicKeyRef public_key;  // the peer's static public key
  std::optional<protocol::Psk> psk;   // absent = 32 zero bytes
  protocol::WireProfile profile = protocol::WireProfile::kAuto;
  protocol::OskDomain osk;               // empty organization = the WireGuard PSK domain
  std::vector<SocketAddress> endpoints;  // resolved, tried in turn until one answers (§4.3);
                                         // empty = responder-only until the peer contacts us
  std::vector<std::unique_ptr<base::KeySink>> sinks;  // run in order at each key event
  std::string name;                                   // for messages, e.g. "peer 3"
  bool has_key_out = false, has_wireguard = false;    // which sinks these are, for status
};

// Changes to a running peer; its session and handshake in flight are kept.
struct PeerUpdate {
  std::optional<std::vector<SocketAddress>> endpoints = std::nullopt;  // replaces configured + confirmed
  std::optional<protocol::Psk> psk = std::nullopt;  // used from the next handshake on
};

inline constexpr std::size_t kDropReasonCount = 11;  // protocol::DropReason values
// "bad mac", "replayed message", ... (the reference's wording, used in log lines).
const char* drop_reason_text(protocol::DropReason reason);

struct PeerStatus {
  PeerRef ref;
  std::string name;
  std::string peer_id;  // base64 lhash("peer id", pk) under the hash of `profile` (V02's: auto)
  std::optional<SocketAddress> endpoint;  // confirmed by an authenticated exchange
  std::size_t listener = 0;               // the socket of `endpoint`
  protocol::WireProfile profile;  // fixed peers: theirs; auto: of the last key, kAuto before
  std::optional<Timestamp> last_exchanged;  // when the last key was exchanged
  std::optional<Timestamp> next_rekey;      // when we initiate next (none: responder-only)
  uint64_t handshakes_completed = 0;
  // Datagrams from the peer's confirmed endpoint that were dropped, by DropReason value.
  std::array<uint64_t, kDropReasonCount> drops{};
  // As added (control API: `rosenpass status`): the wire profile asked for, whether a PSK is
  // set, and the endpoints discovery tries while none is confirmed.
  protocol::WireProfile configured_profile = protocol::WireProfile::kAuto;
  bool has_psk = false;
  bool has_key_out = false, has_wireguard = false;  // PeerSpec's
  std::vector<SocketAddress> configured_endpoints;
};

struct Datagram {
  // kPeer: handshake traffic to a peer's endpoint; must not be lost to a full socket (retry
  // when writable). kReply: an answer to an unauthenticated source (cookie reply, RespHello),
  // possibly spoofed: send without blocking, drop and count when the socket is busy (#17).
  enum class Priority : uint8_t { kPeer, kReply };
  std::size_t listener = 0;
  SocketAddress to;
  std::vector<uint8_t> bytes;
  Priority priority = Priority::kPeer;
  std::optional<PeerRef> peer;  // kPeer: whose; for send_failed()
  uint32_t attempt = 0;         // discovery: which (address, listener) combination this is
};

struct RuntimeEvent {
  enum class Kind : uint8_t {
    kKeyExchanged,  // sinks ran (see sink_count); failures were reported separately
    kKeyStale,      // the key expired; sinks got a random key; discovery restarts
    kSinkRejected,  // a sink said no (message); logged, not fatal
    kFailure,       // counted against the budget (message, failures_left)
    kFatal,         // the budget is spent: stop with exit code 1 (message)
    kDropped,       // report_drops: a datagram from `from` was dropped (drop_reason)
  };
  Kind kind;
  std::optional<PeerRef> peer;
  std::string peer_id;  // base64, for key events
  std::string message;
  std::size_t sink_count = 0;  // key events: how many sinks the peer has
  int failures_left = 0;       // kFailure
  bool key_output = false;     // kFailure/kFatal: a sink of `peer` could not take its key (the
                               // message names the file or device and the cause); the key of
                               // this event is lost, networking is fine
  protocol::DropReason drop_reason = protocol::DropReason::kBadLength;
  SocketAddress from;  // kDropped
};

struct Output {
  std::vector<Datagram> datagrams;
  std::vector<RuntimeEvent> events;
  Timestamp next_wakeup{};  // call poll() at this time at the latest
};

class Runtime {
 public:
  // Fails on a missing public key or no listeners; never throws.
  static Result<std::unique_ptr<Runtime>> create(RuntimeConfig config);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Adds a peer; it initiates at the next poll() if it has endpoints. Fails when its public
  // key is already configured. Other peers are not disturbed.
  Result<PeerRef> add_peer(PeerSpec spec, Timestamp now);
  // Error if `peer` is unknown (removed, or from another generation).
  Status update_peer(PeerRef peer, PeerUpdate update, Timestamp now);
  // Forgets the peer, its session and handshake; no key event is emitted for it.
  Status remove_peer(PeerRef peer);
  // Runs the peer's sinks once with a random key, as when its key goes stale (a kKeyStale
  // event), so that nothing keeps its last exchanged key; the control API calls it before
  // remove_peer(). Nothing happens for an unknown peer.
  Output retire_keys(PeerRef peer, Timestamp now);
  // A socket added while running (control API AddListenSocket); returns its listener index.
  std::size_t add_listener(Listener listener);

  std::optional<PeerStatus> status(PeerRef peer, Timestamp now) const;
  std::vector<PeerStatus> status_all(Timestamp now) const;
  std::size_t peer_count() const;

  // One datagram received on `listener` from `from`.
  Output handle(std::size_t listener, const SocketAddress& from,
                std::span<const uint8_t> datagram, Timestamp now);
  // Timers: retransmissions, initiations, rekeys, expiry (stale keys).
  Output poll(Timestamp now);
  // Sending `d` failed with `error` (errno): a discovery datagram goes to the next
  // (address, listener) combination; when none is left a kFailure is counted.
  Output send_failed(const Datagram& d, int error, Timestamp now);

  // Dropped datagrams by reason (all sources), and failures counted so far.
  uint64_t dropped(protocol::DropReason reason) const;
  int failures() const;

  class Impl;

 private:
  explicit Runtime(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rosenpass::daemon
