#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "rosenpass/base/io.h"
#include "rosenpass/crypto/secure_memory.h"
#include "rosenpass/wireguard/broker.h"

namespace rosenpass::wireguard::broker {
namespace {

bool send_response(int fd, ReturnCode code) {
  auto payload = encode_response(code);
  auto header = encode_frame_header(payload.size());
  return base::write_all(fd, header) == 0 && base::write_all(fd, payload) == 0;
}

}  // namespace

ReturnCode handle_set_psk(WireGuardBackend& backend, const SetPskRequest& request) {
  auto got = backend.get_device(request.interface_name);
  if (!got) {
    return got.error().kind == WgErrorKind::kNoSuchDevice ? ReturnCode::kNoSuchInterface
                                                          : ReturnCode::kInternalError;
  }
  if (!got->has_peer(request.peer)) return ReturnCode::kNoSuchPeer;
  DeviceConfig config;
  PeerConfig peer;
  peer.public_key = request.peer;
  peer.update_only = true;
  peer.preshared_key = request.psk.clone();
  config.peers.push_back(std::move(peer));
  if (auto st = backend.set_device(request.interface_name, config); !st) {
    return st.error().kind == WgErrorKind::kNoSuchDevice ? ReturnCode::kNoSuchInterface
                                                         : ReturnCode::kInternalError;
  }
  return ReturnCode::kSuccess;
}

int run_privileged_broker(int in_fd, int out_fd, WireGuardBackend& backend) {
  FrameReader reader(kSetPskRequestSize);
  uint8_t chunk[4096];
  while (true) {
    ssize_t n = ::read(in_fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::perror("rosenpass-wireguard-broker-privileged: read");
      return 1;
    }
    if (n == 0) {
      if (reader.mid_frame()) {
        std::fprintf(stderr, "rosenpass-wireguard-broker-privileged: input ended mid-frame\n");
        return 1;
      }
      return 0;
    }
    bool ok = reader.feed(std::span<const uint8_t>(chunk, static_cast<std::size_t>(n)));
    crypto::wipe(chunk);
    if (!ok) {
      std::fprintf(stderr, "rosenpass-wireguard-broker-privileged: frame longer than %zu bytes\n",
                   kSetPskRequestSize);
      return 1;
    }
    while (auto payload = reader.next()) {
      auto request = decode_request(*payload);
      crypto::wipe(*payload);
      ReturnCode code = ReturnCode::kInternalError;
      if (request) {
        code = handle_set_psk(backend, *request);
      } else {
        std::fprintf(stderr, "rosenpass-wireguard-broker-privileged: invalid request\n");
      }
      if (code != ReturnCode::kSuccess && request) {
        std::fprintf(stderr, "rosenpass-wireguard-broker-privileged: %s: %.*s\n",
                     request->interface_name.c_str(), static_cast<int>(describe(code).size()),
                     describe(code).data());
      }
      if (!send_response(out_fd, code)) {
        std::perror("rosenpass-wireguard-broker-privileged: write");
        return 1;
      }
    }
  }
}

}  // namespace rosenpass::wireguard::broker
