// Control-API messages as values, and their byte layouts (application.md §5.3-§5.4 for the
// reference's four requests; docs/api.md for all, including this project's extensions).
// Integers are little-endian. Decoding never throws: bad bytes give a DecodeError.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rosenpass/api/message_types.h"

namespace rosenpass::api {

inline constexpr std::size_t kPingEchoSize = 256;
inline constexpr std::size_t kPeerIdSize = 32;
inline constexpr std::size_t kStatusResponseSize = 32;  // type + u128 status
inline constexpr std::size_t kMaxPeersPerListResponse = 64;

using PeerId = std::array<uint8_t, kPeerIdSize>;

// Status codes (u128 on the wire; this build only sends values below 2^64).
namespace status {
inline constexpr uint64_t kOk = 0;
// SupplyKeypair (the reference's numbering).
inline constexpr uint64_t kKeypairAlreadySupplied = 1;
inline constexpr uint64_t kSupplyKeypairInternalError = 2;
inline constexpr uint64_t kSupplyKeypairInvalidRequest = 3;
inline constexpr uint64_t kSupplyKeypairIoError = 4;
// AddListenSocket, AddPskBroker, and every extension.
inline constexpr uint64_t kInvalidRequest = 1;
inline constexpr uint64_t kInternalError = 2;
// Extensions only.
inline constexpr uint64_t kNoSuchPeer = 3;
inline constexpr uint64_t kPeerExists = 4;
inline constexpr uint64_t kNoKeypair = 5;    // the daemon still waits for SupplyKeypair
inline constexpr uint64_t kUnsupported = 6;  // e.g. WireGuard delivery not available
}  // namespace status

// Wire encoding of a peer's protocol_version / wire profile.
enum class ProfileCode : uint8_t { kAuto = 0, kV02 = 1, kV03 = 2, kV02pc = 3 };
std::string_view to_string(ProfileCode p);  // "auto", "V02", "V03", "V02-pc"

// ---- requests -----------------------------------------------------------------------------

struct PingRequest {
  std::array<uint8_t, kPingEchoSize> echo{};
};
struct SupplyKeypairRequest {};    // fd#1 secret key, fd#2 public key
struct AddListenSocketRequest {};  // fd#1 a UDP socket
struct AddPskBrokerRequest {};     // fd#1 a connected unix stream to a broker

// fd#1: the peer's public-key file (read to EOF, 524,160 bytes); fd#2 when `psk_from_fd2`:
// a PSK file (base64, as `pre_shared_key` files).
struct AddPeerRequest {
  ProfileCode protocol_version = ProfileCode::kAuto;
  bool psk_from_fd2 = false;
  std::string endpoint;          // "host:port"; empty: responder only
  std::string key_out;           // path; empty: none
  std::string wireguard_device;  // with wireguard_peer; empty: none
  std::string wireguard_peer;    // base64 WireGuard public key
  std::vector<std::string> wireguard_extra_params;
  std::string osk_organization;  // with osk_labels; both empty: the WireGuard PSK domain
  std::vector<std::string> osk_labels;
  friend bool operator==(const AddPeerRequest&, const AddPeerRequest&) = default;
};

struct UpdatePeerRequest {
  PeerId peer{};                  // either of the peer's two ids (BLAKE2b or SHAKE256)
  bool set_endpoint = false;      // replace the endpoint by `endpoint` (empty: forget it)
  bool set_psk_from_fd1 = false;  // new PSK from fd#1 (a PSK file)
  bool clear_psk = false;         // PSK back to 32 zero bytes
  std::string endpoint;
  friend bool operator==(const UpdatePeerRequest&, const UpdatePeerRequest&) = default;
};

struct RemovePeerRequest {
  PeerId peer{};
};

struct ListPeersRequest {
  uint32_t start = 0;  // index of the first peer to list
};

using Request =
    std::variant<PingRequest, SupplyKeypairRequest, AddListenSocketRequest, AddPskBrokerRequest,
                 AddPeerRequest, UpdatePeerRequest, RemovePeerRequest, ListPeersRequest>;

// ---- responses ----------------------------------------------------------------------------

struct PingResponse {
  std::array<uint8_t, kPingEchoSize> echo{};
};
// The 32-byte answer to SupplyKeypair, AddListenSocket, AddPskBroker, UpdatePeer, RemovePeer.
struct StatusResponse {
  MessageType type = MessageType::kSupplyKeypairResponse;
  uint64_t status = status::kOk;
};
struct AddPeerResponse {
  uint64_t status = status::kOk;
  PeerId id_blake2b{};   // the peer id under V02's hash (zero unless status is ok)
  PeerId id_shake256{};  // ... and under V03's
};

struct PeerStatus {
  PeerId id{};  // under the hash of the profile in use (configured one before the first key)
  ProfileCode profile_in_use = ProfileCode::kAuto;  // kAuto: not known yet
  ProfileCode configured = ProfileCode::kAuto;
  bool has_key_out = false;
  bool has_wireguard = false;
  bool has_psk = false;
  bool endpoint_confirmed = false;         // learned from an authenticated message (roaming)
  uint64_t ms_since_key = UINT64_MAX;      // UINT64_MAX: no key exchanged yet
  uint64_t ms_to_next_rekey = UINT64_MAX;  // UINT64_MAX: nothing scheduled
  uint64_t handshakes_completed = 0;
  std::vector<uint64_t> dropped;  // by reason, in drop_reason_name() order
  std::string endpoint;           // current or configured; empty: none known
  friend bool operator==(const PeerStatus&, const PeerStatus&) = default;
};

struct ListPeersResponse {
  uint64_t status = status::kOk;
  bool has_keypair = true;        // false while the daemon waits for SupplyKeypair
  uint32_t total = 0;             // peers in the daemon
  uint32_t start = 0;             // index of peers[0]
  std::vector<uint64_t> dropped;  // daemon-wide, by reason, then replies not sent (socket busy)
  std::vector<PeerStatus> peers;  // at most kMaxPeersPerListResponse
  friend bool operator==(const ListPeersResponse&, const ListPeersResponse&) = default;
};

using Response = std::variant<PingResponse, StatusResponse, AddPeerResponse, ListPeersResponse>;

// Names of the drop reasons in the order of the counters ("bad length", ...). Counters past
// the end of this list (a newer daemon) are shown as "reason N".
std::span<const std::string_view> drop_reason_names();

// ---- codec --------------------------------------------------------------------------------

enum class DecodeError : uint8_t {
  kTooShort,     // shorter than the type, or than the message's fixed size
  kUnknownType,  // not one of the message types
  kWrongKind,    // a response where a request was expected, or the reverse
  kBadField,     // a length or count that runs past the end, a reserved flag set
};
std::string_view to_string(DecodeError e);

// Payload bytes (without the length prefix). Bytes after a message's end are ignored (§5.2).
std::variant<Request, DecodeError> decode_request(std::span<const uint8_t> payload);
std::vector<uint8_t> encode_request(const Request& r);
std::variant<Response, DecodeError> decode_response(std::span<const uint8_t> payload);
std::vector<uint8_t> encode_response(const Response& r);

// The type a request is answered with.
MessageType response_type_for(const Request& r);

// u64-LE length prefix followed by `payload`.
std::vector<uint8_t> frame(std::span<const uint8_t> payload);

}  // namespace rosenpass::api
