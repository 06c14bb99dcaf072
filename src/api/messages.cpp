#include "rosenpass/api/messages.h"

#include <algorithm>
#include <cstring>

namespace rosenpass::api {
namespace {

// Appends little-endian integers and length-prefixed strings.
class Writer {
 public:
  explicit Writer(MessageType t) { bytes(type_id(t)); }
  void u8(uint8_t v) { out_.push_back(v); }
  void uint(uint64_t v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out_.push_back(uint8_t(i < 8 ? v >> (8 * i) : 0));
  }
  void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void string(std::string_view s) {
    s = s.substr(0, 0xffff);  // the u16 length bounds a string; callers check sizes first
    uint(s.size(), 2);
    bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  }
  void strings(const std::vector<std::string>& v) {
    const std::size_t n = std::min<std::size_t>(v.size(), 0xffff);
    uint(n, 2);
    for (std::size_t i = 0; i < n; ++i) string(v[i]);
  }
  std::vector<uint8_t> take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

// Reads the same; any read past the end sets failed() and returns zeros.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b), pos_(kTypeSize) {}
  bool failed() const { return failed_; }
  std::span<const uint8_t> take(std::size_t n) {
    if (failed_ || b_.size() - pos_ < n) {
      failed_ = true;
      return {};
    }
    auto s = b_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  uint64_t uint(std::size_t n) {
    auto s = take(n);
    uint64_t v = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (i < 8) {
        v |= uint64_t(s[i]) << (8 * i);
      } else if (s[i] != 0) {
        failed_ = true;  // a u128 beyond 2^64: no such value is defined
      }
    }
    return v;
  }
  template <std::size_t N>
  void array(std::array<uint8_t, N>& out) {
    auto s = take(N);
    if (!s.empty()) std::copy(s.begin(), s.end(), out.begin());
  }
  std::string string() {
    auto n = uint(2);
    auto s = take(n);
    return {reinterpret_cast<const char*>(s.data()), s.size()};
  }
  std::vector<std::string> strings() {
    auto n = uint(2);
    std::vector<std::string> v;
    for (uint64_t i = 0; i < n && !failed_; ++i) v.push_back(string());
    return v;
  }
  std::vector<uint64_t> counters(uint64_t n) {
    std::vector<uint64_t> v;
    for (uint64_t i = 0; i < n && !failed_; ++i) v.push_back(uint(8));
    return v;
  }

 private:
  std::span<const uint8_t> b_;
  std::size_t pos_;
  bool failed_ = false;
};

std::optional<ProfileCode> profile_code(uint64_t v) {
  if (v > 3) return std::nullopt;
  return ProfileCode(v);
}

// protocol::DropReason order; "lost race" arrives with the protocol-defence branch (a daemon
// without it sends 10 counters, the wire says how many). The daemon-wide list has one more:
// replies (CookieReply, RespHello to unknown sources) not sent because the socket was busy
// (#17); per-peer lists stop at "lost race".
constexpr std::array<std::string_view, 12> kDropReasonNames = {"bad length",
                                                               "unknown message type",
                                                               "bad mac",
                                                               "no such session",
                                                               "decryption failed",
                                                               "unknown peer",
                                                               "wrong protocol version",
                                                               "replayed message",
                                                               "under load, cookie required",
                                                               "unexpected message",
                                                               "lost race",
                                                               "replies not sent (socket busy)"};

uint8_t counter_count(const std::vector<uint64_t>& c) {
  return uint8_t(std::min<std::size_t>(c.size(), 255));
}

void write_counters(Writer& w, const std::vector<uint64_t>& c) {
  for (std::size_t i = 0; i < counter_count(c); ++i) w.uint(c[i], 8);
}

// Requests -----------------------------------------------------------------------------------

std::variant<Request, DecodeError> decode_add_peer(Reader& r) {
  AddPeerRequest q;
  auto version = profile_code(r.uint(1));
  auto flags = r.uint(1);
  r.uint(2);  // reserved
  q.endpoint = r.string();
  q.key_out = r.string();
  q.wireguard_device = r.string();
  q.wireguard_peer = r.string();
  q.wireguard_extra_params = r.strings();
  q.osk_organization = r.string();
  q.osk_labels = r.strings();
  if (r.failed()) return DecodeError::kTooShort;
  if (!version || (flags & ~uint64_t{1})) return DecodeError::kBadField;
  q.protocol_version = *version;
  q.psk_from_fd2 = flags & 1;
  return Request{std::move(q)};
}

std::variant<Request, DecodeError> decode_update_peer(Reader& r) {
  UpdatePeerRequest q;
  r.array(q.peer);
  auto flags = r.uint(1);
  r.uint(3);  // reserved
  q.endpoint = r.string();
  if (r.failed()) return DecodeError::kTooShort;
  if (flags & ~uint64_t{7}) return DecodeError::kBadField;
  q.set_endpoint = flags & 1;
  q.set_psk_from_fd1 = flags & 2;
  q.clear_psk = flags & 4;
  if (q.set_psk_from_fd1 && q.clear_psk) return DecodeError::kBadField;
  return Request{std::move(q)};
}

}  // namespace

std::string_view to_string(ProfileCode p) {
  switch (p) {
    case ProfileCode::kV02:
      return "V02";
    case ProfileCode::kV03:
      return "V03";
    case ProfileCode::kV02pc:
      return "V02-pc";
    case ProfileCode::kAuto:
      break;
  }
  return "auto";
}

std::span<const std::string_view> drop_reason_names() {
  return kDropReasonNames;
}

std::string_view to_string(DecodeError e) {
  switch (e) {
    case DecodeError::kTooShort:
      return "message shorter than its type requires";
    case DecodeError::kUnknownType:
      return "unknown message type";
    case DecodeError::kWrongKind:
      return "a response where a request was expected, or the reverse";
    case DecodeError::kBadField:
      return "a field holds an undefined value";
  }
  return "?";
}

std::variant<Request, DecodeError> decode_request(std::span<const uint8_t> payload) {
  if (payload.size() < kTypeSize) return DecodeError::kTooShort;
  auto t = message_type_from_id(payload.first<kTypeSize>());
  if (!t) return DecodeError::kUnknownType;
  Reader r(payload);
  switch (*t) {
    case MessageType::kPingRequest: {
      PingRequest q;
      r.array(q.echo);
      if (r.failed()) return DecodeError::kTooShort;
      return Request{q};
    }
    case MessageType::kSupplyKeypairRequest:
      return Request{SupplyKeypairRequest{}};
    case MessageType::kAddListenSocketRequest:
      return Request{AddListenSocketRequest{}};
    case MessageType::kAddPskBrokerRequest:
      return Request{AddPskBrokerRequest{}};
    case MessageType::kAddPeerRequest:
      return decode_add_peer(r);
    case MessageType::kUpdatePeerRequest:
      return decode_update_peer(r);
    case MessageType::kRemovePeerRequest: {
      RemovePeerRequest q;
      r.array(q.peer);
      if (r.failed()) return DecodeError::kTooShort;
      return Request{q};
    }
    case MessageType::kListPeersRequest: {
      ListPeersRequest q;
      q.start = uint32_t(r.uint(4));
      if (r.failed()) return DecodeError::kTooShort;
      return Request{q};
    }
    default:
      return DecodeError::kWrongKind;
  }
}

std::vector<uint8_t> encode_request(const Request& req) {
  return std::visit(
      [](const auto& q) -> std::vector<uint8_t> {
        using T = std::decay_t<decltype(q)>;
        if constexpr (std::is_same_v<T, PingRequest>) {
          Writer w(MessageType::kPingRequest);
          w.bytes(q.echo);
          return w.take();
        } else if constexpr (std::is_same_v<T, SupplyKeypairRequest>) {
          return Writer(MessageType::kSupplyKeypairRequest).take();
        } else if constexpr (std::is_same_v<T, AddListenSocketRequest>) {
          return Writer(MessageType::kAddListenSocketRequest).take();
        } else if constexpr (std::is_same_v<T, AddPskBrokerRequest>) {
          return Writer(MessageType::kAddPskBrokerRequest).take();
        } else if constexpr (std::is_same_v<T, AddPeerRequest>) {
          Writer w(MessageType::kAddPeerRequest);
          w.u8(uint8_t(q.protocol_version));
          w.u8(q.psk_from_fd2 ? 1 : 0);
          w.uint(0, 2);
          w.string(q.endpoint);
          w.string(q.key_out);
          w.string(q.wireguard_device);
          w.string(q.wireguard_peer);
          w.strings(q.wireguard_extra_params);
          w.string(q.osk_organization);
          w.strings(q.osk_labels);
          return w.take();
        } else if constexpr (std::is_same_v<T, UpdatePeerRequest>) {
          Writer w(MessageType::kUpdatePeerRequest);
          w.bytes(q.peer);
          w.u8(uint8_t((q.set_endpoint ? 1 : 0) | (q.set_psk_from_fd1 ? 2 : 0) |
                       (q.clear_psk ? 4 : 0)));
          w.uint(0, 3);
          w.string(q.endpoint);
          return w.take();
        } else if constexpr (std::is_same_v<T, RemovePeerRequest>) {
          Writer w(MessageType::kRemovePeerRequest);
          w.bytes(q.peer);
          return w.take();
        } else {
          Writer w(MessageType::kListPeersRequest);
          w.uint(q.start, 4);
          return w.take();
        }
      },
      req);
}

MessageType response_type_for(const Request& r) {
  static constexpr std::array<MessageType, std::variant_size_v<Request>> kMap = {
      MessageType::kPingResponse,
      MessageType::kSupplyKeypairResponse,
      MessageType::kAddListenSocketResponse,
      MessageType::kAddPskBrokerResponse,
      MessageType::kAddPeerResponse,
      MessageType::kUpdatePeerResponse,
      MessageType::kRemovePeerResponse,
      MessageType::kListPeersResponse};
  return kMap[r.index()];
}

std::variant<Response, DecodeError> decode_response(std::span<const uint8_t> payload) {
  if (payload.size() < kTypeSize) return DecodeError::kTooShort;
  auto t = message_type_from_id(payload.first<kTypeSize>());
  if (!t) return DecodeError::kUnknownType;
  Reader r(payload);
  switch (*t) {
    case MessageType::kPingResponse: {
      PingResponse p;
      r.array(p.echo);
      if (r.failed()) return DecodeError::kTooShort;
      return Response{p};
    }
    case MessageType::kSupplyKeypairResponse:
    case MessageType::kAddListenSocketResponse:
    case MessageType::kAddPskBrokerResponse:
    case MessageType::kUpdatePeerResponse:
    case MessageType::kRemovePeerResponse: {
      StatusResponse s{*t, r.uint(16)};
      if (r.failed()) return DecodeError::kTooShort;
      return Response{s};
    }
    case MessageType::kAddPeerResponse: {
      AddPeerResponse a;
      a.status = r.uint(16);
      r.array(a.id_blake2b);
      r.array(a.id_shake256);
      if (r.failed()) return DecodeError::kTooShort;
      return Response{a};
    }
    case MessageType::kListPeersResponse: {
      ListPeersResponse l;
      l.status = r.uint(16);
      l.total = uint32_t(r.uint(4));
      l.start = uint32_t(r.uint(4));
      auto count = r.uint(4);
      l.has_keypair = r.uint(1) & 1;
      auto drops = r.uint(1);
      r.uint(2);  // reserved
      l.dropped = r.counters(drops);
      for (uint64_t i = 0; i < count && !r.failed(); ++i) {
        PeerStatus p;
        r.array(p.id);
        auto in_use = profile_code(r.uint(1));
        auto configured = profile_code(r.uint(1));
        auto pf = r.uint(1);
        auto peer_drops = r.uint(1);
        p.ms_since_key = r.uint(8);
        p.ms_to_next_rekey = r.uint(8);
        p.handshakes_completed = r.uint(8);
        p.dropped = r.counters(peer_drops);
        p.endpoint = r.string();
        if (r.failed()) break;
        if (!in_use || !configured) return DecodeError::kBadField;
        p.profile_in_use = *in_use;
        p.configured = *configured;
        p.has_key_out = pf & 1;
        p.has_wireguard = pf & 2;
        p.has_psk = pf & 4;
        p.endpoint_confirmed = pf & 8;
        l.peers.push_back(std::move(p));
      }
      if (r.failed()) return DecodeError::kTooShort;
      return Response{std::move(l)};
    }
    default:
      return DecodeError::kWrongKind;
  }
}

std::vector<uint8_t> encode_response(const Response& resp) {
  return std::visit(
      [](const auto& p) -> std::vector<uint8_t> {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, PingResponse>) {
          Writer w(MessageType::kPingResponse);
          w.bytes(p.echo);
          return w.take();
        } else if constexpr (std::is_same_v<T, StatusResponse>) {
          Writer w(p.type);
          w.uint(p.status, 16);
          return w.take();
        } else if constexpr (std::is_same_v<T, AddPeerResponse>) {
          Writer w(MessageType::kAddPeerResponse);
          w.uint(p.status, 16);
          w.bytes(p.id_blake2b);
          w.bytes(p.id_shake256);
          return w.take();
        } else {
          Writer w(MessageType::kListPeersResponse);
          w.uint(p.status, 16);
          w.uint(p.total, 4);
          w.uint(p.start, 4);
          w.uint(p.peers.size(), 4);
          w.u8(p.has_keypair ? 1 : 0);
          w.u8(counter_count(p.dropped));
          w.uint(0, 2);
          write_counters(w, p.dropped);
          for (const auto& s : p.peers) {
            w.bytes(s.id);
            w.u8(uint8_t(s.profile_in_use));
            w.u8(uint8_t(s.configured));
            w.u8(uint8_t((s.has_key_out ? 1 : 0) | (s.has_wireguard ? 2 : 0) | (s.has_psk ? 4 : 0) |
                         (s.endpoint_confirmed ? 8 : 0)));
            w.u8(counter_count(s.dropped));
            w.uint(s.ms_since_key, 8);
            w.uint(s.ms_to_next_rekey, 8);
            w.uint(s.handshakes_completed, 8);
            write_counters(w, s.dropped);
            w.string(s.endpoint);
          }
          return w.take();
        }
      },
      resp);
}

std::vector<uint8_t> frame(std::span<const uint8_t> payload) {
  std::vector<uint8_t> out(kLengthSize + payload.size());
  const uint64_t n = payload.size();
  for (std::size_t i = 0; i < kLengthSize; ++i) out[i] = uint8_t(n >> (8 * i));
  std::copy(payload.begin(), payload.end(), out.begin() + kLengthSize);
  return out;
}

}  // namespace rosenpass::api
