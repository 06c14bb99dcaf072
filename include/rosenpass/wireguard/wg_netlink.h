// Kernel WireGuard's generic netlink messages (linux/wireguard.h), encoded and decoded as
// plain bytes so they can be checked without a kernel module. The kernel backend sends these.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "rosenpass/wireguard/device_config.h"

namespace rosenpass::wireguard {

// One netlink message; its bytes may hold keys, so they are zeroed on destruction.
class NetlinkMessage {
 public:
  explicit NetlinkMessage(std::size_t capacity) : bytes_(capacity) {}
  ~NetlinkMessage();
  NetlinkMessage(NetlinkMessage&&) = default;
  NetlinkMessage& operator=(NetlinkMessage&&) = default;
  NetlinkMessage(const NetlinkMessage&) = delete;
  NetlinkMessage& operator=(const NetlinkMessage&) = delete;
  uint8_t* buffer() { return bytes_.data(); }
  std::span<const uint8_t> bytes() const { return {bytes_.data(), used_}; }
  void set_used(std::size_t n) { used_ = n; }

 private:
  std::vector<uint8_t> bytes_;
  std::size_t used_ = 0;
};

// CTRL_CMD_GETFAMILY request for the family named "wireguard".
NetlinkMessage encode_get_family_request(uint32_t seq);
// The family id from a CTRL_CMD_NEWFAMILY reply; nullopt if absent or malformed.
std::optional<uint16_t> decode_family_id(std::span<const uint8_t> message);

// WG_CMD_SET_DEVICE request(s) (NLM_F_REQUEST|NLM_F_ACK): the first carries the device
// attributes and first peer; each further peer goes in its own message naming the device.
base::Result<std::vector<NetlinkMessage>, WgError> encode_set_device(uint16_t family, uint32_t seq,
                                                                     std::string_view device,
                                                                     const DeviceConfig& config);
// WG_CMD_GET_DEVICE dump request for a device name.
NetlinkMessage encode_get_device_request(uint16_t family, uint32_t seq, std::string_view device);
// Adds one WG_CMD_GET_DEVICE reply message to `info`, joining a peer split across messages.
// False if the message is malformed. Messages start 4-byte aligned, as in any netlink
// receive buffer (also for decode_family_id).
bool decode_get_device_reply(std::span<const uint8_t> message, DeviceInfo& info);

}  // namespace rosenpass::wireguard
