#include "rosenpass/daemon/api_host.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "rosenpass/daemon/debug_quote.h"
#include "rosenpass/daemon/logging.h"

namespace rosenpass::daemon {
namespace {

// epoll tags: listeners and the timer use the top of the id space, connections count up.
constexpr uint64_t kTimerTag = ~uint64_t{0};
constexpr uint64_t kListenerTag = uint64_t{1} << 63;
constexpr std::size_t kMaxFdsPerRead = 8;  // received per recvmsg; the Connection keeps 2

std::string errno_text() {
  return std::strerror(errno);
}

// Duplicates an inherited fd to a close-on-exec one >= 3 and points the old number at
// /dev/null (application.md §1.1), so the number cannot be reused by accident.
Result<base::UniqueFd> claim_fd(int fd, const char* what) {
  if (fd < 0 || ::fcntl(fd, F_GETFD) < 0) {
    return make_error(std::string(what) + " " + std::to_string(fd) +
                      " is not an open file descriptor");
  }
  base::UniqueFd dup(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
  if (!dup.valid()) return make_error(std::string("could not claim ") + what + ": " + errno_text());
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, fd);
    ::close(null);
  }
  return dup;
}

bool is_unix_stream(int fd, bool listening) {
  int type = 0, domain = 0, acc = 0;
  socklen_t l = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) != 0 || type != SOCK_STREAM) return false;
  l = sizeof domain;
  if (::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &l) != 0 || domain != AF_UNIX) return false;
  l = sizeof acc;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &l) != 0) return false;
  return (acc != 0) == listening;
}

void set_nonblocking(int fd) {
  int fl = ::fcntl(fd, F_GETFL);
  if (fl >= 0) ::fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

// Binds a listening socket at `path` without ever following a symlink and without a moment
// in which it is reachable with wider permissions: bound in a fresh 0700 directory beside
// the path, given its mode and group there, then hard-linked to `path` (link() fails with
// EEXIST on anything at `path`, a dangling symlink included) and the temporary removed.
Result<base::UniqueFd> bind_socket_file(const std::string& path, const std::optional<gid_t>& group,
                                        struct stat& st_out) {
  sockaddr_un addr{};
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / ".rosenpass-api-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) {
    return make_error("could not create a temporary directory in " + debug_quote(dir.string()) +
                      " for the API socket: " + errno_text());
  }
  const std::string tmp_sock = tmpl + "/s";
  auto cleanup = [&] {
    ::unlink(tmp_sock.c_str());
    ::rmdir(tmpl.c_str());
  };
  if (tmp_sock.size() >= sizeof addr.sun_path) {
    cleanup();
    return make_error("API socket path " + debug_quote(path) + " is too long");
  }
  base::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) {
    cleanup();
    return make_error("could not create the API socket: " + errno_text());
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, tmp_sock.data(), tmp_sock.size());
  mode_t mode = group ? 0660 : 0600;
  bool ok = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            (!group || ::chown(tmp_sock.c_str(), static_cast<uid_t>(-1), *group) == 0) &&
            ::chmod(tmp_sock.c_str(), mode) == 0 && ::listen(fd.get(), 16) == 0;
  if (!ok) {
    auto e = errno_text();
    cleanup();
    return make_error("could not set up the API socket " + debug_quote(path) + ": " + e);
  }
  if (::link(tmp_sock.c_str(), path.c_str()) != 0) {
    auto e = errno == EEXIST ? std::string("the path already exists") : errno_text();
    cleanup();
    return make_error("could not create the API socket " + debug_quote(path) + ": " + e);
  }
  cleanup();
  if (::lstat(path.c_str(), &st_out) != 0) st_out = {};
  return fd;
}

}  // namespace

Result<std::unique_ptr<ApiHost>> ApiHost::create(const ApiConfig& config,
                                                 api::RequestHandler& handler) {
  std::unique_ptr<ApiHost> h(new ApiHost(handler));
  h->epoll_ = base::UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
  h->timer_ = base::UniqueFd(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!h->epoll_.valid() || !h->timer_.valid()) {
    return make_error("could not set up the API event queue: " + errno_text());
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kTimerTag;
  ::epoll_ctl(h->epoll_.get(), EPOLL_CTL_ADD, h->timer_.get(), &ev);

  std::optional<gid_t> group;
  if (config.listen_group) {
    struct group* g = ::getgrnam(config.listen_group->c_str());
    if (!g)
      return make_error("API socket group " + debug_quote(*config.listen_group) +
                        " does not exist");
    group = g->gr_gid;
  }
  for (const auto& path : config.listen_path) {
    struct stat st {};
    auto fd = bind_socket_file(path, group, st);
    if (!fd) return fd.error();
    h->created_.push_back({path, st.st_dev, st.st_ino});
    if (auto s = h->add_listener(std::move(*fd)); !s) return s.error();
    log_debug("API listening on " + debug_quote(path));
  }
  for (int n : config.listen_fd) {
    auto fd = claim_fd(n, "--api-listen-fd");
    if (!fd) return fd.error();
    if (!is_unix_stream(fd->get(), true)) {
      return make_error("API listen fd " + std::to_string(n) +
                        " is not a listening unix stream socket");
    }
    set_nonblocking(fd->get());
    if (auto s = h->add_listener(std::move(*fd)); !s) return s.error();
  }
  for (int n : config.stream_fd) {
    auto fd = claim_fd(n, "--api-stream-fd");
    if (!fd) return fd.error();
    if (!is_unix_stream(fd->get(), false)) {
      return make_error("API stream fd " + std::to_string(n) +
                        " is not a connected unix stream socket");
    }
    set_nonblocking(fd->get());
    h->add_connection(std::move(*fd));
  }
  return h;
}

ApiHost::~ApiHost() {
  // Remove only what is still our socket: someone may have replaced the file meanwhile.
  for (const auto& c : created_) {
    struct stat st {};
    if (::lstat(c.path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == c.dev &&
        st.st_ino == c.ino && ::unlink(c.path.c_str()) != 0) {
      // Typically a daemon confined to a service user (--user) whose socket lies in a
      // directory only root may write: the next start would find the path taken.
      log_warn("could not remove the API socket " + debug_quote(c.path) + ": " + errno_text() +
               "; remove it before the next start");
    }
  }
}

Status ApiHost::add_listener(base::UniqueFd fd) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenerTag | listeners_.size();
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd.get(), &ev) != 0) {
    return make_error("could not watch an API listener: " + errno_text());
  }
  listeners_.push_back(std::move(fd));
  return ok_status();
}

void ApiHost::add_connection(base::UniqueFd fd) {
  if (conns_.size() >= kMaxConnections) {
    log_warn("API: too many connections; closing a new one");
    return;  // fd closes here
  }
  const uint64_t id = next_id_++;
  auto c = std::make_unique<Conn>(std::move(fd), handler_);
  c->last_progress = std::chrono::steady_clock::now();
  c->events = EPOLLIN;
  epoll_event ev{};
  ev.events = c->events;
  ev.data.u64 = id;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, c->fd.get(), &ev) != 0) {
    log_warn("API: could not watch a connection: " + errno_text());
    return;
  }
  conns_.emplace(id, std::move(c));
}

void ApiHost::accept_all(std::size_t li) {
  for (int budget = 16; budget > 0; --budget) {
    int fd = ::accept4(listeners_[li].get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        log_warn("API: accept failed: " + errno_text());
      }
      return;
    }
    add_connection(base::UniqueFd(fd));
  }
}

void ApiHost::service(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  // Alternate reading and writing until neither can make progress without waiting.
  for (bool progress = true; progress && !c.conn.finished();) {
    progress = false;
    while (c.conn.wants_input()) {
      std::array<uint8_t, api::kMaxRequestSize + api::kLengthSize> buf;
      iovec iov{buf.data(), std::min(buf.size(), c.conn.input_capacity())};
      alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * kMaxFdsPerRead)> control{};
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control.data();
      msg.msg_controllen = control.size();
      ssize_t n = ::recvmsg(c.fd.get(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      std::vector<base::UniqueFd> fds;
      for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); n >= 0 && cm; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
        std::size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
          int fd;
          std::memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
          fds.emplace_back(fd);
        }
      }
      if (n < 0) {
        c.conn.close(std::string("receive failed: ") + errno_text());
        break;
      }
      if (n == 0) {
        c.conn.on_eof();
        break;
      }
      c.conn.on_input(std::span(buf.data(), static_cast<std::size_t>(n)), std::move(fds));
      c.last_progress = std::chrono::steady_clock::now();
      progress = true;
    }
    while (!c.conn.output().empty()) {
      auto out = c.conn.output();
      ssize_t n = ::send(c.fd.get(), out.data(), out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0) {
        c.conn.close(std::string("send failed: ") + errno_text());
        c.conn.on_written(out.size());  // nothing more can be delivered
        break;
      }
      c.conn.on_written(static_cast<std::size_t>(n));
      c.last_progress = std::chrono::steady_clock::now();
      progress = true;
    }
  }
  if (c.conn.finished()) {
    const auto& why = c.conn.close_reason();
    if (why.rfind("client closed the connection", 0) == 0 &&
        why.find("within") == std::string::npos) {
      log_debug("API: " + why);
    } else {
      log_warn("API: closing a connection: " + why);
    }
    conns_.erase(it);  // the fd closes, which also removes it from the epoll set
    return;
  }
  uint32_t want = (c.conn.wants_input() ? uint32_t{EPOLLIN} : 0u) |
                  (c.conn.output().empty() ? 0u : uint32_t{EPOLLOUT});
  if (want != c.events) {
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = id;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd.get(), &ev);
    c.events = want;
  }
}

void ApiHost::check_stalls() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = conns_.begin(); it != conns_.end();) {
    Conn& c = *it->second;
    if (!c.conn.output().empty() && now - c.last_progress >= kStallTimeout) {
      log_warn("API: closing a connection whose client stopped reading");
      it = conns_.erase(it);
    } else {
      ++it;
    }
  }
}

void ApiHost::arm_timer() {
  bool pending = false;
  for (const auto& [id, c] : conns_) pending = pending || !c->conn.output().empty();
  itimerspec t{};
  if (pending) t.it_value.tv_sec = 1;  // re-checked every second while a client lags
  ::timerfd_settime(timer_.get(), 0, &t, nullptr);
}

void ApiHost::on_ready() {
  std::array<epoll_event, 32> events;
  int n = ::epoll_wait(epoll_.get(), events.data(), events.size(), 0);
  for (int i = 0; i < n; ++i) {
    uint64_t tag = events[i].data.u64;
    if (tag == kTimerTag) {
      uint64_t ticks;
      [[maybe_unused]] auto r = ::read(timer_.get(), &ticks, sizeof ticks);
      check_stalls();
    } else if (tag & kListenerTag) {
      accept_all(static_cast<std::size_t>(tag & ~kListenerTag));
    } else {
      service(tag);
    }
  }
  arm_timer();
}

}  // namespace rosenpass::daemon
