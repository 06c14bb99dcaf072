// Control-API message types (application.md §5.3; docs/api.md). A type is 16 bytes on the
// wire: the first 16 bytes of the V02 keyed-hash chain from the zero key over the labels
// "Rosenpass IPC API" -> "Rosenpass Protocol Server" -> message name. The reference's eight
// messages and this project's extensions share the chain; only the message names differ.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace rosenpass::api {

inline constexpr std::size_t kTypeSize = 16;          // bytes of the type field
inline constexpr std::size_t kLengthSize = 8;         // u64 little-endian frame length
inline constexpr std::size_t kMaxRequestSize = 4096;  // largest request payload accepted (§5.2)
inline constexpr std::size_t kMaxFdsPerRequest = 2;   // fds kept per request; surplus closed

using TypeId = std::array<uint8_t, kTypeSize>;

enum class MessageType : uint8_t {
  // The reference's messages (§5.3), byte-exact.
  kPingRequest,
  kPingResponse,
  kSupplyKeypairRequest,
  kSupplyKeypairResponse,
  kAddListenSocketRequest,
  kAddListenSocketResponse,
  kAddPskBrokerRequest,
  kAddPskBrokerResponse,
  // Extensions of this project (docs/api.md).
  kAddPeerRequest,
  kAddPeerResponse,
  kUpdatePeerRequest,
  kUpdatePeerResponse,
  kRemovePeerRequest,
  kRemovePeerResponse,
  kListPeersRequest,
  kListPeersResponse,
};
inline constexpr std::size_t kMessageTypeCount = 16;

// The label hashed as the last chain element, e.g. "Ping Request".
std::string_view message_name(MessageType t);
// The 16 wire bytes of a type (constants; tests re-derive them from the hash chain).
const TypeId& type_id(MessageType t);
// The type whose wire bytes these are; nullopt for an unknown type.
std::optional<MessageType> message_type_from_id(std::span<const uint8_t, kTypeSize> id);
// Computes the wire bytes of a message name from the hash chain (for tests and docs).
TypeId derive_type_id(std::string_view name);

}  // namespace rosenpass::api
