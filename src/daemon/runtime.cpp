// Stub while the implementation lands (see runtime.h): every call reports "not implemented".
#include "rosenpass/daemon/runtime.h"

namespace rosenpass::daemon {

class Runtime::Impl {};

const char* drop_reason_text(protocol::DropReason) {
  return "unknown";
}

Result<std::unique_ptr<Runtime>> Runtime::create(RuntimeConfig) {
  return make_error("daemon::Runtime is not implemented yet");
}
Runtime::Runtime(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Runtime::~Runtime() = default;
Result<PeerRef> Runtime::add_peer(PeerSpec, Timestamp) {
  return make_error("not implemented");
}
Status Runtime::update_peer(PeerRef, PeerUpdate, Timestamp) {
  return make_error("not implemented");
}
Status Runtime::remove_peer(PeerRef) {
  return make_error("not implemented");
}
std::optional<PeerStatus> Runtime::status(PeerRef, Timestamp) const {
  return std::nullopt;
}
std::vector<PeerStatus> Runtime::status_all(Timestamp) const {
  return {};
}
std::size_t Runtime::peer_count() const {
  return 0;
}
Output Runtime::handle(std::size_t, const SocketAddress&, std::span<const uint8_t>, Timestamp now) {
  return {{}, {}, now};
}
Output Runtime::poll(Timestamp now) {
  return {{}, {}, now};
}
Output Runtime::send_failed(const Datagram&, int, Timestamp now) {
  return {{}, {}, now};
}
uint64_t Runtime::dropped(protocol::DropReason) const {
  return 0;
}
int Runtime::failures() const {
  return 0;
}

}  // namespace rosenpass::daemon
