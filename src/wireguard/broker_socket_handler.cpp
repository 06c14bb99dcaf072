// One poll loop: clients' complete frames are queued and sent to the privileged helper one at
// a time; each helper response goes back to the client whose request is in flight.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <thread>

#include "rosenpass/base/io.h"
#include "rosenpass/base/process.h"
#include "rosenpass/crypto/secure_memory.h"
#include "rosenpass/wireguard/broker.h"

namespace rosenpass::wireguard::broker {
namespace {

volatile sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}

void log_error(const std::string& msg) {
  std::fprintf(stderr, "rosenpass-wireguard-broker-socket-handler: %s\n", msg.c_str());
}

bool send_all(int fd, std::span<const uint8_t> data, bool is_socket) {
  return (is_socket ? base::send_all(fd, data) : base::write_all(fd, data)) == 0;
}

bool send_frame(int fd, std::span<const uint8_t> payload, bool is_socket) {
  auto header = encode_frame_header(payload.size());
  return send_all(fd, header, is_socket) && send_all(fd, payload, is_socket);
}

struct Client {
  int fd;
  std::unique_ptr<FrameReader> reader = std::make_unique<FrameReader>(kSetPskRequestSize);
};

struct Queued {
  int client_id;
  std::vector<uint8_t> payload;  // holds a PSK: erased once sent
};

struct Helper {
  pid_t pid = -1;
  int to = -1;    // its stdin
  int from = -1;  // its stdout
};

std::optional<Helper> spawn_helper(const std::vector<std::string>& command) {
  if (command.empty()) return std::nullopt;
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return std::nullopt;
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return std::nullopt;
  }
  auto pid = base::spawn(command, {{{in[0], 0}, {out[1], 1}}});
  ::close(in[0]);
  ::close(out[1]);
  if (!pid) {
    log_error(pid.error().message + ": " + pid.error().causes.back());
    ::close(in[1]);
    ::close(out[0]);
    return std::nullopt;
  }
  return Helper{*pid, in[1], out[0]};
}

void stop_helper(Helper& h) {
  if (h.to >= 0) ::close(h.to);
  if (h.from >= 0) ::close(h.from);
  h.to = h.from = -1;
  if (h.pid <= 0) return;
  // Closing its stdin ends the helper; give it a moment, then insist.
  base::stop(h.pid, 0, std::chrono::seconds(2));
  h.pid = -1;
}

int open_listen_path(const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string p = path.string();
  if (p.size() >= sizeof addr.sun_path) {
    log_error("listen path too long: " + p);
    return -1;
  }
  std::memcpy(addr.sun_path, p.data(), p.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 16) != 0) {
    log_error("cannot listen on " + p + ": " + std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int run_socket_handler(const SocketHandlerOptions& options) {
  int sources = options.listen_path.has_value() + options.listen_fd.has_value() +
                options.stream_fd.has_value();
  if (sources != 1) {
    log_error("exactly one of --listen-path, --listen-fd, --stream-fd is required");
    return 1;
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  int listen_fd = -1;
  bool own_path = false;
  if (options.listen_path) {
    listen_fd = open_listen_path(*options.listen_path);
    if (listen_fd < 0) return 1;
    own_path = true;
  } else if (options.listen_fd) {
    listen_fd = *options.listen_fd;
  }

  auto helper = spawn_helper(options.helper_command);
  if (!helper) {
    log_error("cannot start the privileged helper");
    return 1;
  }
  if (options.after_setup) {
    if (auto st = options.after_setup(); !st) {
      log_error(st.error().message);
      return 1;
    }
  }

  std::map<int, Client> clients;
  int next_id = 0;
  int stream_client = -1;
  if (options.stream_fd) {
    stream_client = next_id;
    clients.emplace(next_id++, Client{*options.stream_fd});
  }
  std::deque<Queued> queue;
  // Client id awaiting the helper's response; kIdle when none, -1 when that client left.
  // A plain int: GCC 12 warns falsely (-Wmaybe-uninitialized) on an optional<int> here.
  constexpr int kIdle = -2;
  int in_flight = kIdle;
  FrameReader helper_reader(kSetPskRequestSize);
  int status = 0;

  auto drop_client = [&](int id) {
    auto it = clients.find(id);
    if (it == clients.end()) return;
    ::close(it->second.fd);
    clients.erase(it);
    if (in_flight == id) in_flight = -1;
    for (auto& q : queue) {
      if (q.client_id == id) q.client_id = -1;  // still sent, so responses stay in order
    }
  };

  while (!g_stop) {
    // Send the next queued request when the helper is idle.
    if (in_flight == kIdle && !queue.empty()) {
      Queued q = std::move(queue.front());
      queue.pop_front();
      bool ok = send_frame(helper->to, q.payload, false);
      crypto::wipe(q.payload);
      if (!ok) {
        log_error("the privileged helper stopped accepting requests");
        status = 1;
        break;
      }
      in_flight = q.client_id;
    }
    if (stream_client >= 0 && !clients.count(stream_client)) break;  // our one stream ended

    std::vector<pollfd> fds;
    std::vector<int> ids;  // client id per pollfd; -2 listener, -3 helper
    fds.push_back({helper->from, POLLIN, 0});
    ids.push_back(-3);
    if (listen_fd >= 0) {
      fds.push_back({listen_fd, POLLIN, 0});
      ids.push_back(-2);
    }
    for (auto& [id, c] : clients) {
      fds.push_back({c.fd, POLLIN, 0});
      ids.push_back(id);
    }
    int r = ::poll(fds.data(), fds.size(), 500);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      log_error(std::string("poll: ") + std::strerror(errno));
      status = 1;
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      uint8_t chunk[4096];
      if (ids[i] == -3) {
        ssize_t n = ::read(helper->from, chunk, sizeof chunk);
        if (n <= 0 || !helper_reader.feed({chunk, static_cast<std::size_t>(n)})) {
          log_error("the privileged helper exited or sent a malformed frame");
          status = 1;
          g_stop = 1;
          break;
        }
        while (auto payload = helper_reader.next()) {
          if (in_flight == kIdle) {
            log_error("unexpected response from the privileged helper");
            continue;
          }
          auto it = clients.find(in_flight);
          if (it != clients.end() && !send_frame(it->second.fd, *payload, true)) {
            drop_client(it->first);
          }
          in_flight = kIdle;
        }
      } else if (ids[i] == -2) {
        int c = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c >= 0) clients.emplace(next_id++, Client{c});
      } else {
        int id = ids[i];
        auto it = clients.find(id);
        if (it == clients.end()) continue;
        ssize_t n = ::recv(it->second.fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
          drop_client(id);
          continue;
        }
        bool ok = it->second.reader->feed({chunk, static_cast<std::size_t>(n)});
        crypto::wipe(chunk);
        if (!ok) {
          log_error("dropping a client that sent an oversized frame");
          drop_client(id);
          continue;
        }
        while (auto payload = it->second.reader->next()) {
          queue.push_back({id, std::move(*payload)});
        }
      }
    }
  }

  for (auto& [id, c] : clients) ::close(c.fd);
  for (auto& q : queue) crypto::wipe(q.payload);
  stop_helper(*helper);
  if (listen_fd >= 0) ::close(listen_fd);
  if (own_path) std::filesystem::remove(*options.listen_path);
  return status;
}

}  // namespace rosenpass::wireguard::broker
