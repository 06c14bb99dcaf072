// Runtime internals: one peer's state and the Impl that owns them (runtime.h).
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rosenpass/daemon/runtime.h"

namespace rosenpass::daemon {

// One configured peer while the Runtime runs it.
struct RuntimePeer {
  uint32_t generation = 0;
  bool live = false;
  protocol::PeerHandle handle;
  std::string name;
  std::vector<SocketAddress> configured;  // resolved `endpoint`s
  // Confirmed endpoint: where an authenticated exchange came from, and its listener.
  std::optional<std::pair<SocketAddress, std::size_t>> current;
  std::vector<SocketAddress> discovery;  // candidates while nothing is confirmed
  std::size_t round_robin = 0;
  std::vector<std::unique_ptr<base::KeySink>> sinks;
  std::optional<std::string> id_blake2b, id_shake256;  // base64, from the protocol core
  std::optional<Timestamp> last_exchanged;
  uint64_t handshakes = 0;
  std::array<uint64_t, kDropReasonCount> drops{};
  protocol::WireProfile configured_profile = protocol::WireProfile::kAuto;  // for status
  // The wire of the last exchanged key (kAuto: none yet). Ids and status follow it, not the
  // wire an auto peer is trying, so a peer keeps the id its key lines printed.
  protocol::WireProfile keyed_profile = protocol::WireProfile::kAuto;
  bool has_psk = false;                                                     // for status
  bool has_key_out = false, has_wireguard = false;                          // for status
};

// Raw bytes of an address (family, port, address, scope): the key of the endpoint index.
using EndpointKey = std::array<uint8_t, 28>;
EndpointKey endpoint_key(const SocketAddress& a);

class Runtime::Impl {
 public:
  Impl(std::unique_ptr<protocol::Server> server, RuntimeOptions options)
      : server_(std::move(server)), options_(std::move(options)) {}

  Result<PeerRef> add_peer(PeerSpec spec, Timestamp now);
  Status update_peer(PeerRef ref, PeerUpdate update);
  Status remove_peer(PeerRef ref);
  Output retire_keys(PeerRef ref, Timestamp now);
  std::size_t add_listener(Listener l) {
    options_.listeners.push_back(l);
    return options_.listeners.size() - 1;
  }
  PeerStatus status_of(uint32_t slot) const;
  RuntimePeer* find(PeerRef ref);
  const RuntimePeer* find(PeerRef ref) const;

  Output handle(std::size_t listener, const SocketAddress& from, std::span<const uint8_t> datagram,
                Timestamp now);
  Output poll(Timestamp now);
  Output send_failed(const Datagram& d, int error);

  std::vector<RuntimePeer> slots;
  std::array<uint64_t, kDropReasonCount> drops{};
  int failures = 0;

 private:
  RuntimePeer* by_handle(protocol::PeerHandle h);
  PeerRef ref_of(const RuntimePeer& p) const;
  const std::string& peer_id(RuntimePeer& p);
  void on_key_event(protocol::KeyEvent& ev, Timestamp now, Output& out);
  // Queues `bytes` for the peer's endpoint, or the next discovery candidate after skipping
  // `tried` of them.
  void emit(RuntimePeer& p, std::vector<uint8_t> bytes, std::size_t tried, Output& out);
  void note_failure(std::string message, Output& out);
  void set_current(RuntimePeer& p, const SocketAddress& addr, std::size_t listener);
  void forget_current(RuntimePeer& p);
  bool can_reach(std::size_t listener, const SocketAddress& to) const;

  std::unique_ptr<protocol::Server> server_;
  RuntimeOptions options_;
  std::vector<uint32_t> slot_of_handle_;  // protocol handle index -> slot
  std::vector<uint32_t> free_slots_;
  std::map<EndpointKey, uint32_t> by_endpoint_;  // confirmed endpoints -> slot
};

}  // namespace rosenpass::daemon
