#include "rosenpass/daemon/send_queue.h"

#include <cerrno>

namespace rosenpass::daemon {
namespace {

bool full(int err) {
  return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS;
}

}  // namespace

std::optional<SendQueue::Failed> SendQueue::offer(Datagram d, Socket& s) {
  if (d.priority == Datagram::Priority::kReply) {
    auto f = s.fill();
    if (!pending_.empty() || (f && f->queued > f->size / 2)) {
      ++replies_dropped_;
      return std::nullopt;
    }
    const int err = s.send(d);
    if (full(err)) ++replies_dropped_;
    if (err == 0 || full(err)) return std::nullopt;
    return Failed{std::move(d), err};
  }
  if (!pending_.empty()) {
    if (pending_.size() >= kMaxQueued) {
      pending_.pop_front();
      ++peer_dropped_;
    }
    pending_.push_back(std::move(d));
    return std::nullopt;
  }
  const int err = s.send(d);
  if (err == 0) return std::nullopt;
  if (full(err)) {
    pending_.push_back(std::move(d));
    return std::nullopt;
  }
  return Failed{std::move(d), err};
}

std::vector<SendQueue::Failed> SendQueue::flush(Socket& s) {
  std::vector<Failed> failed;
  while (!pending_.empty()) {
    const int err = s.send(pending_.front());
    if (full(err)) break;
    Datagram d = std::move(pending_.front());
    pending_.pop_front();
    if (err != 0) failed.push_back({std::move(d), err});
  }
  return failed;
}

}  // namespace rosenpass::daemon
