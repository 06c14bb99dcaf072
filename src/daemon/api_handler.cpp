#include "rosenpass/daemon/api_handler.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/hash_domains.h"
#include "rosenpass/daemon/config_safety.h"
#include "rosenpass/daemon/logging.h"

namespace rosenpass::daemon {
namespace {

namespace mce = protocol::mceliece;
namespace st = api::status;
using Clock = std::chrono::steady_clock;

// A client could pass a pipe that never reaches EOF; reading from it must not hang the
// daemon, so each fd gets this long in total.
constexpr auto kReadBudget = std::chrono::seconds(2);

enum class ReadResult { kOk, kTooLong, kIoError, kTimeout };

// Reads `fd` from its offset to EOF into `out` (at most out.size() bytes; one more is an
// error). `len` gets the number of bytes read.
ReadResult read_to_eof(int fd, std::span<uint8_t> out, std::size_t& len) {
  const auto deadline = Clock::now() + kReadBudget;
  len = 0;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return ReadResult::kTimeout;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno != EINTR) return ReadResult::kIoError;
    if (r <= 0) continue;
    uint8_t extra;
    std::span<uint8_t> dst = len < out.size() ? out.subspan(len) : std::span<uint8_t>(&extra, 1);
    ssize_t n = ::read(fd, dst.data(), dst.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return ReadResult::kIoError;
    if (n == 0) return ReadResult::kOk;
    if (len >= out.size()) return ReadResult::kTooLong;
    len += static_cast<std::size_t>(n);
  }
}

std::shared_ptr<const mce::PublicKey> read_public_key(int fd) {
  auto pk = std::make_shared<mce::PublicKey>();
  std::size_t len = 0;
  if (read_to_eof(fd, *pk, len) != ReadResult::kOk || len != pk->size()) return nullptr;
  return pk;
}

// A PSK file's content (base64 of 32 bytes, trailing whitespace allowed) from `fd`.
std::optional<protocol::Psk> read_psk(int fd) {
  constexpr std::size_t kMaxFile = 1000;  // as for pre_shared_key files
  crypto::Secret<kMaxFile> text;          // as secret as the key
  std::size_t len = 0;
  if (read_to_eof(fd, text.reveal_mut(), len) != ReadResult::kOk) return std::nullopt;
  auto t = text.reveal().first(len);
  while (!t.empty() &&
         (t.back() == '\n' || t.back() == '\r' || t.back() == ' ' || t.back() == '\t')) {
    t = t.first(t.size() - 1);
  }
  protocol::Psk psk;
  std::string_view sv(reinterpret_cast<const char*>(t.data()), t.size());
  if (!crypto::base64_decode_into(sv, psk.reveal_mut())) return std::nullopt;
  return psk;
}

api::PeerId peer_id(crypto::HashChoice c, const mce::PublicKey& pk) {
  return crypto::keyed_hash(c, crypto::hash_domains(c).peer_id, pk);
}

protocol::WireProfile to_profile(api::ProfileCode c) {
  switch (c) {
    case api::ProfileCode::kV02:
      return protocol::WireProfile::kV02;
    case api::ProfileCode::kV03:
      return protocol::WireProfile::kV03;
    case api::ProfileCode::kV02pc:
      return protocol::WireProfile::kV02pc;
    case api::ProfileCode::kAuto:
      break;
  }
  return protocol::WireProfile::kAuto;
}

api::ProfileCode to_code(protocol::WireProfile p) {
  switch (p) {
    case protocol::WireProfile::kV02:
      return api::ProfileCode::kV02;
    case protocol::WireProfile::kV03:
      return api::ProfileCode::kV03;
    case protocol::WireProfile::kV02pc:
      return api::ProfileCode::kV02pc;
    case protocol::WireProfile::kAuto:
      break;
  }
  return api::ProfileCode::kAuto;
}

uint64_t ms_between(Timestamp from, Timestamp to) {
  if (to <= from) return 0;
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count());
}

std::optional<std::vector<SocketAddress>> parse_endpoint(const std::string& text) {
  if (text.empty()) return std::vector<SocketAddress>{};
  auto a = SocketAddress::parse_literal(text);
  if (!a) return std::nullopt;
  return std::vector<SocketAddress>{*a};
}

}  // namespace

uint64_t ApiRequestHandler::supply_keypair(api::RequestFds& fds) {
  if (shell_.runtime()) return st::kKeypairAlreadySupplied;
  if (!fds[0].valid() || !fds[1].valid()) return st::kSupplyKeypairInvalidRequest;
  mce::SecretKey sk;
  std::size_t len = 0;
  auto r = read_to_eof(fds[0].get(), sk.reveal_mut(), len);
  if (r == ReadResult::kIoError) return st::kSupplyKeypairIoError;
  if (r != ReadResult::kOk || len != mce::kSecretKeySize) return st::kSupplyKeypairInvalidRequest;
  auto pk = read_public_key(fds[1].get());
  if (!pk) return st::kSupplyKeypairInvalidRequest;
  if (auto s = shell_.start_with_keypair(std::move(pk), std::move(sk)); !s) {
    log_error("could not start with the keypair supplied through the API: " + s.error().chain());
    return st::kSupplyKeypairInternalError;
  }
  log_info("keypair supplied through the API; starting key exchanges");
  return st::kOk;
}

uint64_t ApiRequestHandler::add_listen_socket(api::RequestFds& fds) {
  if (!fds[0].valid()) return st::kInvalidRequest;
  int proto = 0;
  socklen_t l = sizeof proto;
  if (::getsockopt(fds[0].get(), SOL_SOCKET, SO_PROTOCOL, &proto, &l) != 0 ||
      proto != IPPROTO_UDP) {
    return st::kInvalidRequest;
  }
  int fl = ::fcntl(fds[0].get(), F_GETFL);
  if (fl < 0 || ::fcntl(fds[0].get(), F_SETFL, fl | O_NONBLOCK) != 0) return st::kInternalError;
  if (auto s = shell_.add_udp_socket(std::move(fds[0])); !s) {
    log_error("could not add the UDP socket supplied through the API: " + s.error().chain());
    return st::kInternalError;
  }
  return st::kOk;
}

uint64_t ApiRequestHandler::add_psk_broker(api::RequestFds& fds) {
  if (!fds[0].valid()) return st::kInvalidRequest;
  if (auto s = shell_.use_psk_broker(std::move(fds[0])); !s) {
    log_error("could not use the PSK broker supplied through the API: " + s.error().chain());
    return st::kInternalError;
  }
  return st::kOk;
}

api::AddPeerResponse ApiRequestHandler::add_peer(const api::AddPeerRequest& r,
                                                 api::RequestFds& fds) {
  api::AddPeerResponse resp;
  Runtime* rt = shell_.runtime();
  if (!rt) return {st::kNoKeypair, {}, {}};
  resp.status = st::kInvalidRequest;
  if (!fds[0].valid() || (r.psk_from_fd2 && !fds[1].valid())) return resp;
  if (r.wireguard_device.empty() != r.wireguard_peer.empty()) return resp;
  auto pk = read_public_key(fds[0].get());
  if (!pk) return resp;
  auto endpoints = parse_endpoint(r.endpoint);
  if (!endpoints) return resp;
  PeerSpec spec;
  if (r.psk_from_fd2) {
    auto psk = read_psk(fds[1].get());
    if (!psk) return resp;
    spec.psk = std::move(*psk);
  }
  const std::size_t n = added_count_++;
  spec.name = "API peer " + std::to_string(n);
  if (!r.key_out.empty()) {
    // Checked now, as the process that will write it: after confinement (--user) that is the
    // service user, so a key_out only root may write is refused here, with the reason logged,
    // instead of failing at every key event.
    if (auto ok = check_key_out_writable(spec.name, r.key_out); !ok) {
      std::string who = ::geteuid() == 0 ? "" : " (the daemon runs as uid " +
                                                    std::to_string(::geteuid()) + ")";
      log_warn("API: add peer: " + ok.error().chain() + who);
      return resp;
    }
    auto sink = make_key_out_sink(r.key_out);
    if (!sink) return {st::kInternalError, {}, {}};
    spec.sinks.push_back(std::move(sink));
  }
  if (!r.wireguard_device.empty()) {
    const auto& f = shell_.sink_factories();
    if (!f.wireguard) return {st::kUnsupported, {}, {}};
    auto sink = f.wireguard(
        WireGuardTarget{r.wireguard_device, r.wireguard_peer, r.wireguard_extra_params}, n);
    if (!sink) {
      log_warn("API: add peer: " + sink.error().chain());
      return resp;
    }
    spec.sinks.push_back(std::move(*sink));
  }
  spec.public_key = pk;
  spec.profile = to_profile(r.protocol_version);
  spec.osk = protocol::OskDomain{r.osk_organization, r.osk_labels};
  spec.endpoints = std::move(*endpoints);
  spec.has_key_out = !r.key_out.empty();
  spec.has_wireguard = !r.wireguard_device.empty();
  Known k{peer_id(crypto::HashChoice::kBlake2b, *pk),
          peer_id(crypto::HashChoice::kShake256, *pk),
          r.protocol_version,
          spec.psk.has_value(),
          r.endpoint};
  auto ref = rt->add_peer(std::move(spec), shell_.now());
  if (!ref) {
    log_warn("API: add peer: " + ref.error().chain());
    return {st::kPeerExists, {}, {}};
  }
  added_[ref->to_u64()] = k;
  log_info("API: added " + std::string("peer ") +
           crypto::base64_encode(r.protocol_version == api::ProfileCode::kV03 ? k.id_shake256
                                                                              : k.id_blake2b));
  return {st::kOk, k.id_blake2b, k.id_shake256};
}

std::optional<PeerRef> ApiRequestHandler::find(const api::PeerId& id, Runtime& rt) {
  // Public values (peer ids), so ordinary comparisons are fine.
  for (const auto& [ref, k] : added_) {
    if (k.id_blake2b == id || k.id_shake256 == id) return PeerRef::from_u64(ref);
  }
  const std::string b64 = crypto::base64_encode(id);
  for (const auto& s : rt.status_all(shell_.now())) {
    if (s.peer_id == b64) return s.ref;
  }
  return std::nullopt;
}

uint64_t ApiRequestHandler::update_peer(const api::UpdatePeerRequest& r, api::RequestFds& fds) {
  Runtime* rt = shell_.runtime();
  if (!rt) return st::kNoKeypair;
  PeerUpdate u;
  if (r.set_endpoint) {
    auto e = parse_endpoint(r.endpoint);
    if (!e) return st::kInvalidRequest;
    u.endpoints = std::move(*e);
  }
  if (r.set_psk_from_fd1) {
    if (!fds[0].valid()) return st::kInvalidRequest;
    auto psk = read_psk(fds[0].get());
    if (!psk) return st::kInvalidRequest;
    u.psk = std::move(*psk);
  } else if (r.clear_psk) {
    u.psk = protocol::Psk{};  // 32 zero bytes, as for a peer configured without one
  }
  auto ref = find(r.peer, *rt);
  if (!ref) return st::kNoSuchPeer;
  if (auto s = rt->update_peer(*ref, std::move(u), shell_.now()); !s) return st::kNoSuchPeer;
  if (auto it = added_.find(ref->to_u64()); it != added_.end()) {
    if (r.set_endpoint) it->second.endpoint = r.endpoint;
    if (r.set_psk_from_fd1) it->second.has_psk = true;
    if (r.clear_psk) it->second.has_psk = false;
  }
  return st::kOk;
}

uint64_t ApiRequestHandler::remove_peer(const api::RemovePeerRequest& r) {
  Runtime* rt = shell_.runtime();
  if (!rt) return st::kNoKeypair;
  auto ref = find(r.peer, *rt);
  if (!ref) return st::kNoSuchPeer;
  // Its outputs get a random key first (a stale event), so neither its key file nor its
  // WireGuard PSK keeps the last exchanged key; then it is forgotten.
  shell_.process(rt->retire_keys(*ref, shell_.now()));
  if (auto s = rt->remove_peer(*ref); !s) return st::kNoSuchPeer;
  added_.erase(ref->to_u64());
  log_info("API: removed peer " + crypto::base64_encode(r.peer));
  return st::kOk;
}

api::ListPeersResponse ApiRequestHandler::list_peers(const api::ListPeersRequest& r) {
  api::ListPeersResponse l;
  Runtime* rt = shell_.runtime();
  l.has_keypair = rt != nullptr;
  if (!rt) return l;
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    l.dropped.push_back(rt->dropped(protocol::DropReason(i)));
  }
  l.dropped.push_back(shell_.replies_not_sent());  // "replies not sent (socket busy)"
  const Timestamp now = shell_.now();
  auto all = rt->status_all(now);
  l.total = static_cast<uint32_t>(all.size());
  l.start = r.start;
  for (std::size_t i = r.start; i < all.size() && l.peers.size() < api::kMaxPeersPerListResponse;
       ++i) {
    const PeerStatus& s = all[i];
    api::PeerStatus p;
    if (!crypto::base64_decode_into(s.peer_id, p.id)) p.id = {};
    p.profile_in_use = to_code(s.profile);
    p.configured = to_code(s.configured_profile);
    p.has_psk = s.has_psk;
    if (!s.configured_endpoints.empty()) p.endpoint = s.configured_endpoints.front().to_string();
    p.has_key_out = s.has_key_out;
    p.has_wireguard = s.has_wireguard;
    p.endpoint_confirmed = s.endpoint.has_value();
    if (s.endpoint) p.endpoint = s.endpoint->to_string();
    if (s.last_exchanged) p.ms_since_key = ms_between(*s.last_exchanged, now);
    if (s.next_rekey) p.ms_to_next_rekey = ms_between(now, *s.next_rekey);
    p.handshakes_completed = s.handshakes_completed;
    p.dropped.assign(s.drops.begin(), s.drops.end());
    l.peers.push_back(std::move(p));
  }
  return l;
}

}  // namespace rosenpass::daemon
