// Parsing of userspace WireGuard's answer to "get=1" (the cross-platform configuration
// protocol), separate from the socket so the fuzzer (tests/fuzz) can feed it any bytes.
#pragma once

#include <string_view>

#include "rosenpass/wireguard/backend.h"

namespace rosenpass::wireguard {

// `reply`: the whole answer, key=value lines ending with "errno=N" and a blank line. Errors
// name `device`: a reply without errno, a non-zero errno, a malformed peer public key. Unknown
// keys and malformed optional values are skipped.
base::Result<DeviceInfo, WgError> parse_uapi_get_reply(std::string_view reply,
                                                       std::string_view device);

}  // namespace rosenpass::wireguard
