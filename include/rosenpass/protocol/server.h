// A sans-IO Rosenpass server: our static keypair, the peers, biscuit keys, cookie secrets and
// the session index. The caller owns sockets and clocks: it feeds received datagrams and the
// current time in, and sends what comes out. This header is also the C++ embedding API.
//
//   auto srv = Server::create(std::move(config));   // null if the config is unusable
//   PeerHandle p = *srv->add_peer(peer_config);
//   loop: on datagram  -> auto r = srv->handle(bytes, sender_id, now);  send r.reply to sender
//         at wake-up   -> auto o = srv->poll(now); send o.datagrams; sleep until o.next_wakeup
//   Key events (in both results) carry the output key to install (e.g. as WireGuard PSK).
//   A Server is not thread-safe: call it from one thread at a time. Nothing here throws but
//   std::bad_alloc (out of memory). Errors are nullopt/null/false: the core sits below
//   base::Result (docs/design.md, layers).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rosenpass/crypto/random.h"
#include "rosenpass/crypto/secret.h"
#include "rosenpass/kem/mceliece460896.h"
#include "rosenpass/protocol/kem_suite.h"

namespace rosenpass::protocol {

// Time since an arbitrary, monotonic epoch chosen by the caller.
using Timestamp = std::chrono::nanoseconds;

// Public keys are 512 KiB and public: loaded once, shared, never copied, never locked.
using PublicKeyRef = std::shared_ptr<const mceliece::PublicKey>;
using Psk = crypto::Secret<32>;
using OutputKey = crypto::Secret<32>;

// Which wire a peer speaks (protocol.md §2.1, §15).
enum class WireProfile : uint8_t {
  kV02,    // current wire (156-byte McEliece ciphertexts), BLAKE2b keyed hash
  kV03,    // current wire, SHAKE256 keyed hash
  kV02pc,  // legacy wire of Rust v0.2.x / go-rosenpass: BLAKE2b, 188-byte ciphertexts
  kAuto,   // responder accepts all three; initiator cycles V02, V02-pc, V03 until one answers
};

// Output-key domain separator (§11). Empty organization = the WireGuard PSK default.
struct OskDomain {
  std::string organization;
  std::vector<std::string> labels;
};

struct PeerConfig {
  PublicKeyRef public_key;
  std::optional<Psk> psk;  // absent = 32 zero bytes
  WireProfile profile = WireProfile::kAuto;
  OskDomain osk;
  bool may_initiate = true;  // false for responder-only peers (no endpoint known)
};

// Identifies a peer of one Server from add_peer() on; indices are never reused, so after
// remove_peer() the handle stays invalid (calls with it return false/nullopt/zeros).
struct PeerHandle {
  uint32_t index = 0;
  friend bool operator==(PeerHandle, PeerHandle) = default;
};

struct KeyEvent {
  enum class Kind : uint8_t {
    kExchanged,  // a handshake completed: install `key`
    kStale,      // no fresh key for 180 s: `key` is random, install it in place of the old one
  };
  PeerHandle peer;
  Kind kind;
  OutputKey key;
};

// Decides whether InitHellos must carry a valid cookie (§6). Called once per InitHello.
class LoadPolicy {
 public:
  virtual ~LoadPolicy() = default;
  virtual bool under_load(Timestamp now) = 0;
};

// The default policy: under load while more than `max_per_second` InitHellos arrived within
// the last second. Each costs a McEliece decapsulation and encapsulation and three 512 KiB
// hash passes (2-4 ms of CPU), so the default keeps that work under a fifth of one core.
std::unique_ptr<LoadPolicy> make_rate_load_policy(uint32_t max_per_second = 50);
// A policy that is never under load (the reference without its cookie feature).
std::unique_ptr<LoadPolicy> make_never_under_load();

struct ServerConfig {
  PublicKeyRef public_key;
  mceliece::SecretKey secret_key;
  crypto::RandomSource* rng = nullptr;      // null = system_random()
  const KemSuite* kems = nullptr;           // null = default_kem_suite()
  std::unique_ptr<LoadPolicy> load_policy;  // null = make_rate_load_policy()
};

// A datagram to send, and to whom.
struct Outgoing {
  PeerHandle peer;
  std::vector<uint8_t> bytes;
};

// Why a datagram was dropped; counted, never logged per packet.
enum class DropReason : uint8_t {
  kBadLength,
  kUnknownType,
  kBadMac,
  kNoSuchSession,
  kCryptoFailure,
  kUnknownPeer,
  kWrongProfile,
  kReplay,
  kUnderLoad,
  kUnexpected,
  kLostRace,  // a message of a simultaneous-start handshake that lost the race (not an attack)
};

struct HandleResult {
  std::optional<std::vector<uint8_t>> reply;  // send to the datagram's sender
  std::optional<KeyEvent> event;
  // The peer an authenticated message came from; the caller may move the peer's endpoint to
  // the sender (roaming). Unset for dropped datagrams, InitHello and CookieReply.
  std::optional<PeerHandle> authenticated_peer;
  // Why the datagram was dropped (also counted in dropped()); unset when it was accepted.
  std::optional<DropReason> dropped = std::nullopt;
};

struct PollResult {
  std::vector<Outgoing> datagrams;  // to each peer's endpoint
  std::vector<KeyEvent> events;
  Timestamp next_wakeup;  // call poll() again at this time at the latest
};

class Server {
 public:
  // Null when the config is unusable (no public key; no KEM suite in a build without the real
  // KEMs), with the reason in *error if given.
  static std::unique_ptr<Server> create(ServerConfig config, std::string* error = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Fails (nullopt) on a missing public key or a peer whose id is already configured.
  std::optional<PeerHandle> add_peer(PeerConfig config);
  // Forgets a peer: its session, handshake in flight and session ids; its handle is never
  // valid again. False if the handle is unknown. Other peers are not disturbed.
  bool remove_peer(PeerHandle peer);
  // Responder-only peers may start initiating once their endpoint is known.
  void set_may_initiate(PeerHandle peer, bool may);
  // Replaces the peer's PSK; used from its next handshake on.
  void set_psk(PeerHandle peer, Psk psk);
  // The address we send the peer's datagrams to (`sender` bytes as for handle()): under load
  // its InitHellos count as a known endpoint's (docs/dos.md). The last call per peer counts.
  void expect_sender(PeerHandle peer, std::span<const uint8_t> sender);

  // One received datagram from `sender` (opaque bytes identifying the source address, used
  // only for cookies). Never throws on bad input; bad datagrams are dropped and counted.
  HandleResult handle(std::span<const uint8_t> datagram, std::span<const uint8_t> sender,
                      Timestamp now);

  // Timers: retransmissions, new initiations and rekeys, expiry. Call at next_wakeup, and
  // after handling received datagrams (a handshake step moves the timers).
  PollResult poll(Timestamp now);

  // Starts a handshake with `peer` now (also done by poll() when due); returns InitHello.
  std::optional<std::vector<uint8_t>> initiate(PeerHandle peer, Timestamp now);

  // The profile used for the peer's next initiation (learned for kAuto peers).
  WireProfile active_profile(PeerHandle peer) const;
  // The remote peer's id, lhash("peer id", its pk), under the hash in use: SHAKE256 when
  // active_profile() is kV03, BLAKE2b otherwise (the id the reference prints on stdout).
  // 32 zero bytes for an unknown handle.
  std::array<uint8_t, 32> peer_id(PeerHandle peer) const;
  // When poll() starts the peer's next initiation or rekey; nullopt while a handshake is in
  // flight or the peer may not initiate. May lie in the past (due now).
  std::optional<Timestamp> next_initiation(PeerHandle peer) const;
  uint64_t dropped(DropReason reason) const;
  std::size_t peer_count() const;

  class Impl;

 private:
  explicit Server(ServerConfig config);  // only through create(), which checks the config
  friend Impl& server_impl(Server& server);  // src/protocol/server_impl.h, for replay tests
  std::unique_ptr<Impl> impl_;
};

}  // namespace rosenpass::protocol
