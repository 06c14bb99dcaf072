// Stub while the implementation lands (see peer_loader.h).
#include "rosenpass/daemon/peer_loader.h"

namespace rosenpass::daemon {

Result<PeerSpec> load_peer(const PeerConfig&, std::size_t, const SinkFactories&) {
  return make_error("load_peer is not implemented yet");
}

std::unique_ptr<base::KeySink> make_key_out_sink(std::string) {
  return nullptr;
}

}  // namespace rosenpass::daemon
