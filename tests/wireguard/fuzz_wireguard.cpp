// libFuzzer target for the WireGuard-side parsers that read outside input: kernel netlink
// replies (decode_get_device_reply, decode_family_id) and `extra_params` words
// (apply_wg_set_params). First byte: which parser; the rest: its input. For the words, NUL
// separates them; endpoint and preshared-key words are turned into `remove` so the fuzzer
// neither resolves host names nor opens files.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rosenpass/wireguard/device_config.h"
#include "rosenpass/wireguard/wg_netlink.h"

using namespace rosenpass::wireguard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // Netlink messages start 4-byte aligned in every receive buffer (the decoders' contract).
  std::vector<uint8_t> aligned(data + 1, data + size);
  std::span<const uint8_t> rest(aligned);
  switch (data[0] % 3) {
    case 0: {
      // A dump reply may arrive in several messages; feed the input as two.
      DeviceInfo info;
      std::size_t half = rest.size() / 2 & ~std::size_t{3};
      if (decode_get_device_reply(rest.first(half), info)) {
        (void)decode_get_device_reply(rest.subspan(half), info);
      }
      break;
    }
    case 1:
      (void)decode_family_id(rest);
      break;
    default: {
      std::vector<std::string> words(1);
      for (uint8_t b : rest) {
        if (b == 0) {
          words.emplace_back();
        } else {
          words.back() += static_cast<char>(b);
        }
      }
      for (auto& w : words) {
        if (w == "endpoint" || w == "preshared-key") w = "remove";
      }
      PeerConfig peer;
      std::vector<PeerConfig> more;
      (void)apply_wg_set_params(words, peer, &more);
      break;
    }
  }
  return 0;
}
