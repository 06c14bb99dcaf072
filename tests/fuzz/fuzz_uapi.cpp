// libFuzzer target: userspace WireGuard's reply to "get=1" (wireguard/uapi_backend.cpp).
#include <string_view>

#include "rosenpass/wireguard/uapi_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view reply(reinterpret_cast<const char*>(data), size);
  (void)rosenpass::wireguard::parse_uapi_get_reply(reply, "wg0");
  return 0;
}
