// libFuzzer target for base::parse_host_port and base::ip_literal (every "host:port" the
// daemon, rp, the control API and the WireGuard grammar read goes through them). Checks the
// parser's promises: a host is never empty, a bracketed text round-trips, and an unbracketed
// one is host + ":" + digits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rosenpass/base/host_port.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto hp = rosenpass::base::parse_host_port(text);
  if (!hp) {
    if (hp.error().message.empty()) std::abort();
    return 0;
  }
  if (hp->host.empty()) std::abort();
  std::string_view rest = text.substr(hp->host.size() + (hp->bracketed ? 2 : 0) + 1);
  if (rosenpass::base::parse_port(rest) != hp->port) std::abort();
  (void)rosenpass::base::ip_literal(*hp);
  return 0;
}
