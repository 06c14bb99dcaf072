// libFuzzer target: arbitrary bytes into one control-API connection, read the way the socket
// side reads (never more than input_capacity()), with every response drained at once. A
// handler answers everything. Any crash, leak, hang or sanitizer report is a finding; so is a
// connection that neither answers nor closes on a complete frame.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "rosenpass/api/connection.h"

namespace {

using namespace rosenpass::api;

class Handler final : public RequestHandler {
 public:
  uint64_t supply_keypair(RequestFds&) override { return status::kKeypairAlreadySupplied; }
  uint64_t add_listen_socket(RequestFds&) override { return status::kInvalidRequest; }
  uint64_t add_psk_broker(RequestFds&) override { return status::kInvalidRequest; }
  AddPeerResponse add_peer(const AddPeerRequest& r, RequestFds&) override {
    // Touch every field so the decoder's output is fully read.
    std::size_t n = r.endpoint.size() + r.key_out.size() + r.wireguard_device.size() +
                    r.wireguard_peer.size() + r.osk_organization.size();
    for (const auto& s : r.osk_labels) n += s.size();
    for (const auto& s : r.wireguard_extra_params) n += s.size();
    AddPeerResponse a;
    a.status = n % 2 ? status::kInvalidRequest : status::kOk;
    return a;
  }
  uint64_t update_peer(const UpdatePeerRequest& r, RequestFds&) override {
    return r.endpoint.size() % 2;
  }
  uint64_t remove_peer(const RemovePeerRequest& r) override { return r.peer[0] % 2; }
  ListPeersResponse list_peers(const ListPeersRequest& r) override {
    ListPeersResponse l;
    l.total = r.start + 1;
    l.start = r.start;
    l.dropped = {1, 2, 3};
    PeerStatus p;
    p.endpoint = "192.0.2.1:1";
    p.dropped = {4};
    l.peers.push_back(p);
    return l;
  }
};

}  // namespace

// Input: the byte stream a client sends. The first byte chooses the read size (1..256) so
// that frames split at every position are exercised.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = std::size_t(data[0]) + 1;
  std::span<const uint8_t> in(data + 1, size - 1);
  Handler h;
  Connection c(h);
  while (!in.empty() && !c.finished()) {
    if (!c.wants_input()) {
      // A response is pending: it must decode and be drained before more is read.
      auto out = c.output();
      if (out.size() < kLengthSize) std::abort();
      if (std::holds_alternative<DecodeError>(decode_response(out.subspan(kLengthSize)))) {
        std::abort();
      }
      c.on_written(out.size());
      continue;
    }
    std::size_t n = std::min({in.size(), chunk, c.input_capacity()});
    if (n == 0) std::abort();  // wants input but offers no room: would hang
    c.on_input(in.first(n));
    in = in.subspan(n);
  }
  c.on_eof();
  if (!c.finished() && c.output().empty()) std::abort();
  return 0;
}
