#include "rosenpass/api/connection.h"

#include <algorithm>

namespace rosenpass::api {

Response dispatch(const Request& request, RequestHandler& h, RequestFds& fds) {
  return std::visit(
      [&](const auto& q) -> Response {
        using T = std::decay_t<decltype(q)>;
        if constexpr (std::is_same_v<T, PingRequest>) {
          return PingResponse{q.echo};
        } else if constexpr (std::is_same_v<T, SupplyKeypairRequest>) {
          return StatusResponse{MessageType::kSupplyKeypairResponse, h.supply_keypair(fds)};
        } else if constexpr (std::is_same_v<T, AddListenSocketRequest>) {
          return StatusResponse{MessageType::kAddListenSocketResponse, h.add_listen_socket(fds)};
        } else if constexpr (std::is_same_v<T, AddPskBrokerRequest>) {
          return StatusResponse{MessageType::kAddPskBrokerResponse, h.add_psk_broker(fds)};
        } else if constexpr (std::is_same_v<T, AddPeerRequest>) {
          return h.add_peer(q, fds);
        } else if constexpr (std::is_same_v<T, UpdatePeerRequest>) {
          return StatusResponse{MessageType::kUpdatePeerResponse, h.update_peer(q, fds)};
        } else if constexpr (std::is_same_v<T, RemovePeerRequest>) {
          return StatusResponse{MessageType::kRemovePeerResponse, h.remove_peer(q)};
        } else {
          return h.list_peers(q);
        }
      },
      request);
}

std::size_t Connection::input_capacity() const {
  if (!wants_input()) return 0;
  if (length_have_ < kLengthSize) return kLengthSize - length_have_;
  return payload_need_ - payload_.size();
}

void Connection::on_input(std::span<const uint8_t> bytes, std::vector<base::UniqueFd> fds) {
  for (auto& fd : fds) {
    // Surplus fds are closed at once (their base::UniqueFd goes out of scope).
    if (fd.valid() && fds_.size() < kMaxFdsPerRequest) fds_.push_back(std::move(fd));
  }
  while (!bytes.empty() && !closing_ && out_.empty()) {
    if (length_have_ < kLengthSize) {
      std::size_t n = std::min(bytes.size(), kLengthSize - length_have_);
      std::copy_n(bytes.begin(), n, length_bytes_.begin() + length_have_);
      length_have_ += n;
      bytes = bytes.subspan(n);
      if (length_have_ < kLengthSize) break;
      uint64_t len = 0;
      for (std::size_t i = 0; i < kLengthSize; ++i) len |= uint64_t(length_bytes_[i]) << (8 * i);
      if (len > kMaxRequestSize) {
        close("request length " + std::to_string(len) + " exceeds " +
              std::to_string(kMaxRequestSize) + " bytes");
        break;
      }
      payload_need_ = static_cast<std::size_t>(len);
      payload_.clear();
      payload_.reserve(payload_need_);
    }
    std::size_t n = std::min(bytes.size(), payload_need_ - payload_.size());
    payload_.insert(payload_.end(), bytes.begin(), bytes.begin() + n);
    bytes = bytes.subspan(n);
    if (payload_.size() == payload_need_) process();
  }
  // Bytes beyond what input_capacity() allowed (a caller reading too much) are not requests
  // we were asked to handle yet; the reference never reads them either, so neither do we.
  if (!bytes.empty() && !closing_) close("client sent a request before reading the response");
}

void Connection::process() {
  auto decoded = decode_request(payload_);
  length_have_ = 0;
  payload_.clear();
  payload_need_ = 0;
  if (auto* err = std::get_if<DecodeError>(&decoded)) {
    fds_.clear();
    close("invalid request: " + std::string(to_string(*err)));
    return;
  }
  RequestFds fds;
  for (std::size_t i = 0; i < fds_.size(); ++i) fds[i] = std::move(fds_[i]);
  fds_.clear();
  Response r = dispatch(std::get<Request>(decoded), handler_, fds);
  // fds the handler did not take are closed here, when `fds` goes out of scope.
  out_ = frame(encode_response(r));
  out_pos_ = 0;
}

void Connection::on_eof() {
  if (!closing_) {
    close(length_have_ == 0 ? "client closed the connection"
                            : "client closed the connection within a request");
  }
}

void Connection::on_written(std::size_t n) {
  out_pos_ += std::min(n, out_.size() - out_pos_);
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  }
}

void Connection::close(std::string reason) {
  if (closing_) return;
  closing_ = true;
  close_reason_ = std::move(reason);
  fds_.clear();
  payload_.clear();
}

}  // namespace rosenpass::api
