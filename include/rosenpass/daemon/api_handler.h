// The control API's requests carried out on the running daemon (docs/api.md §5-§6): the
// reference's SupplyKeypair, AddListenSocket, AddPskBroker, and peers added, updated,
// removed and listed at run time through daemon::Runtime. Sockets are ApiHost's business;
// what only the event loop can do (start with a keypair, watch a new UDP socket, switch the
// PSK broker, send what a Runtime call produced) it asks of an ApiShell.
#pragma once

#include <map>
#include <memory>
#include <optional>

#include "rosenpass/api/connection.h"
#include "rosenpass/daemon/peer_loader.h"
#include "rosenpass/daemon/runtime.h"

namespace rosenpass::daemon {

// What the control API needs from the daemon's event loop.
class ApiShell {
 public:
  virtual ~ApiShell() = default;
  virtual Timestamp now() const = 0;
  // The running Runtime; null while the daemon waits for SupplyKeypair.
  virtual Runtime* runtime() = 0;
  // SupplyKeypair: create the Runtime with these keys and add the configured peers.
  virtual Status start_with_keypair(protocol::PublicKeyRef public_key,
                                    protocol::mceliece::SecretKey secret_key) = 0;
  // AddListenSocket: a UDP socket (already non-blocking) to receive on and send from.
  virtual Status add_udp_socket(base::UniqueFd socket) = 0;
  // AddPskBroker: WireGuard PSKs go through this broker connection from now on.
  virtual Status use_psk_broker(base::UniqueFd broker) = 0;
  // The factories configured peers were built with (WireGuard delivery).
  virtual const SinkFactories& sink_factories() const = 0;
  // Datagrams and events a Runtime call made by the API produced: send and log them.
  virtual void process(Output output) = 0;
  // Replies to unauthenticated sources dropped because a socket was busy (#17): the
  // daemon-wide counter after the drop reasons in List Peers.
  virtual uint64_t replies_not_sent() const = 0;
};

class ApiRequestHandler final : public api::RequestHandler {
 public:
  explicit ApiRequestHandler(ApiShell& shell) : shell_(shell) {}

  uint64_t supply_keypair(api::RequestFds& fds) override;
  uint64_t add_listen_socket(api::RequestFds& fds) override;
  uint64_t add_psk_broker(api::RequestFds& fds) override;
  api::AddPeerResponse add_peer(const api::AddPeerRequest& r, api::RequestFds& fds) override;
  uint64_t update_peer(const api::UpdatePeerRequest& r, api::RequestFds& fds) override;
  uint64_t remove_peer(const api::RemovePeerRequest& r) override;
  api::ListPeersResponse list_peers(const api::ListPeersRequest& r) override;

 private:
  struct Known {  // what this handler knows of peers it added
    api::PeerId id_blake2b, id_shake256;
    api::ProfileCode configured;
    bool has_psk;
    std::string endpoint;
  };
  std::optional<PeerRef> find(const api::PeerId& id, Runtime& rt);

  ApiShell& shell_;
  std::map<uint64_t, Known> added_;  // by PeerRef::to_u64()
  std::size_t added_count_ = 0;
};

}  // namespace rosenpass::daemon
