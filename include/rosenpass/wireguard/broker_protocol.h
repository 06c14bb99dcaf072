// The PSK broker wire format (application.md §4.7.2), byte-exact with the reference: frames
// are [u64 LE length][payload]; SetPsk requests are 324 bytes, responses 5 bytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rosenpass/crypto/secret.h"
#include "rosenpass/wireguard/wg_key.h"

namespace rosenpass::wireguard::broker {

inline constexpr std::size_t kFrameHeaderSize = 8;
inline constexpr std::size_t kSetPskRequestSize = 324;  // also the largest frame accepted
inline constexpr std::size_t kSetPskResponseSize = 5;
inline constexpr std::size_t kMaxInterfaceNameSize = 255;
inline constexpr uint8_t kMsgSetPsk = 0x01;

// Offsets inside a SetPsk request.
inline constexpr std::size_t kOffPsk = 4;
inline constexpr std::size_t kOffPeer = 36;
inline constexpr std::size_t kOffIfaceLen = 68;
inline constexpr std::size_t kOffIface = 69;
static_assert(kOffIface + kMaxInterfaceNameSize == kSetPskRequestSize);

enum class ReturnCode : uint8_t {
  kSuccess = 0x00,
  kInternalError = 0x01,
  kNoSuchInterface = 0x02,
  kNoSuchPeer = 0x03,
};
// "success", "internal error", ... for log messages.
std::string_view describe(ReturnCode code);

// A SetPsk request; the PSK is secret.
struct SetPskRequest {
  crypto::Secret<32> psk;
  WgPublicKey peer{};
  std::string interface_name;
};

// The request payload (without the frame header). The caller erases it after sending.
// nullopt if the interface name is longer than 255 bytes.
std::optional<std::array<uint8_t, kSetPskRequestSize>> encode_request(const SetPskRequest& req);
// Parses a payload: exactly 324 bytes and message type 0x01, else nullopt.
std::optional<SetPskRequest> decode_request(std::span<const uint8_t> payload);

std::array<uint8_t, kSetPskResponseSize> encode_response(ReturnCode code);
// Parses a payload: exactly 5 bytes, type 0x01 and a known code, else nullopt.
std::optional<ReturnCode> decode_response(std::span<const uint8_t> payload);

// The 8-byte little-endian length prefix.
std::array<uint8_t, kFrameHeaderSize> encode_frame_header(uint64_t length);
uint64_t decode_frame_header(std::span<const uint8_t, kFrameHeaderSize> header);

// Collects frames from a byte stream. Frames longer than `max_payload` make it fail for good.
class FrameReader {
 public:
  explicit FrameReader(std::size_t max_payload = kSetPskRequestSize) : max_(max_payload) {}
  ~FrameReader();
  FrameReader(const FrameReader&) = delete;
  FrameReader& operator=(const FrameReader&) = delete;
  // Appends received bytes; false once an oversized length prefix was seen.
  bool feed(std::span<const uint8_t> bytes);
  // The next complete payload, if any (the caller erases it when it holds a PSK).
  std::optional<std::vector<uint8_t>> next();
  bool failed() const { return failed_; }
  bool mid_frame() const { return !buf_.empty(); }

 private:
  std::size_t max_;
  std::vector<uint8_t> buf_;
  bool failed_ = false;
};

}  // namespace rosenpass::wireguard::broker
