// libFuzzer target: kernel WireGuard's netlink replies (wireguard/wg_netlink.cpp): the family
// reply (CTRL_CMD_NEWFAMILY) and WG_CMD_GET_DEVICE dump parts, several messages in a row as a
// dump delivers them (each prefixed by a 2-byte length taken from the input).
#include <cstring>
#include <vector>

#include "rosenpass/wireguard/wg_netlink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace rosenpass::wireguard;
  {
    std::vector<uint32_t> aligned((size + 3) / 4);
    if (size) std::memcpy(aligned.data(), data, size);
    (void)decode_family_id({reinterpret_cast<const uint8_t*>(aligned.data()), size});
  }
  DeviceInfo info;
  while (size >= 2) {
    std::size_t n = std::size_t(data[0]) | std::size_t(data[1]) << 8;
    data += 2;
    size -= 2;
    if (n > size) n = size;
    // The kernel's messages start 4-byte aligned in the receive buffer; so do these.
    std::vector<uint32_t> aligned((n + 3) / 4);
    if (n) std::memcpy(aligned.data(), data, n);
    if (!decode_get_device_reply({reinterpret_cast<const uint8_t*>(aligned.data()), n}, info))
      break;
    data += n;
    size -= n;
  }
  return 0;
}
