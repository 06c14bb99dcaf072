#include "rosenpass/wireguard/broker_protocol.h"

#include <cstring>

#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::wireguard::broker {

std::string_view describe(ReturnCode code) {
  switch (code) {
    case ReturnCode::kSuccess:
      return "success";
    case ReturnCode::kInternalError:
      return "internal error";
    case ReturnCode::kNoSuchInterface:
      return "no such interface";
    case ReturnCode::kNoSuchPeer:
      return "no such peer";
  }
  return "unknown return code";
}

std::optional<std::array<uint8_t, kSetPskRequestSize>> encode_request(const SetPskRequest& req) {
  if (req.interface_name.size() > kMaxInterfaceNameSize) return std::nullopt;
  std::array<uint8_t, kSetPskRequestSize> out{};
  out[0] = kMsgSetPsk;
  std::memcpy(&out[kOffPsk], req.psk.reveal().data(), 32);
  std::memcpy(&out[kOffPeer], req.peer.data(), 32);
  out[kOffIfaceLen] = static_cast<uint8_t>(req.interface_name.size());
  std::memcpy(&out[kOffIface], req.interface_name.data(), req.interface_name.size());
  return out;
}

std::optional<SetPskRequest> decode_request(std::span<const uint8_t> payload) {
  if (payload.size() != kSetPskRequestSize || payload[0] != kMsgSetPsk) return std::nullopt;
  SetPskRequest req;
  req.psk = crypto::Secret<32>::from(payload.subspan<kOffPsk, 32>());
  std::memcpy(req.peer.data(), &payload[kOffPeer], 32);
  std::size_t len = payload[kOffIfaceLen];
  req.interface_name.assign(reinterpret_cast<const char*>(&payload[kOffIface]), len);
  return req;
}

std::array<uint8_t, kSetPskResponseSize> encode_response(ReturnCode code) {
  return {kMsgSetPsk, 0, 0, 0, static_cast<uint8_t>(code)};
}

std::optional<ReturnCode> decode_response(std::span<const uint8_t> payload) {
  if (payload.size() != kSetPskResponseSize || payload[0] != kMsgSetPsk) return std::nullopt;
  if (payload[4] > static_cast<uint8_t>(ReturnCode::kNoSuchPeer)) return std::nullopt;
  return static_cast<ReturnCode>(payload[4]);
}

std::array<uint8_t, kFrameHeaderSize> encode_frame_header(uint64_t length) {
  std::array<uint8_t, kFrameHeaderSize> h{};
  for (std::size_t i = 0; i < 8; ++i) h[i] = static_cast<uint8_t>(length >> (8 * i));
  return h;
}

uint64_t decode_frame_header(std::span<const uint8_t, kFrameHeaderSize> header) {
  uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(header[i]) << (8 * i);
  return v;
}

FrameReader::~FrameReader() {
  crypto::wipe_capacity(buf_);
}

bool FrameReader::feed(std::span<const uint8_t> bytes) {
  if (failed_) return false;
  // The old buffer, which may hold PSKs, is erased rather than just freed when it grows.
  crypto::append_wiping(buf_, bytes, kFrameHeaderSize + max_ + 4096);
  // Check every length prefix that has fully arrived.
  std::size_t pos = 0;
  while (buf_.size() - pos >= kFrameHeaderSize) {
    uint64_t len =
        decode_frame_header(std::span<const uint8_t, kFrameHeaderSize>(buf_.data() + pos, 8));
    if (len > max_) {
      failed_ = true;
      return false;
    }
    if (buf_.size() - pos < kFrameHeaderSize + len) break;
    pos += kFrameHeaderSize + len;
  }
  return true;
}

std::optional<std::vector<uint8_t>> FrameReader::next() {
  if (failed_ || buf_.size() < kFrameHeaderSize) return std::nullopt;
  uint64_t len = decode_frame_header(std::span<const uint8_t, kFrameHeaderSize>(buf_.data(), 8));
  if (buf_.size() < kFrameHeaderSize + len) return std::nullopt;
  std::vector<uint8_t> payload(buf_.begin() + kFrameHeaderSize,
                               buf_.begin() + static_cast<std::ptrdiff_t>(kFrameHeaderSize + len));
  std::size_t rest = buf_.size() - kFrameHeaderSize - len;
  std::memmove(buf_.data(), buf_.data() + kFrameHeaderSize + len, rest);
  crypto::wipe(std::span(buf_).subspan(rest));
  buf_.resize(rest);
  return payload;
}

}  // namespace rosenpass::wireguard::broker
