// The daemon's side of the control API (application.md §5.1-§5.2, docs/api.md §1-§2): unix
// listeners and connections, moved through api::Connection, answered by a RequestHandler.
// Everything is non-blocking; the event loop watches ONE fd (epoll_fd(), a nested epoll) and
// calls on_ready() when it is readable. A client that sends garbage, or stops reading for
// kStallTimeout, is closed; nothing a client does stops or blocks the daemon.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rosenpass/api/connection.h"
#include "rosenpass/daemon/config.h"
#include "rosenpass/daemon/result.h"

namespace rosenpass::daemon {

class ApiHost {
 public:
  static constexpr std::size_t kMaxConnections = 64;
  static constexpr std::chrono::seconds kStallTimeout{10};

  // Binds every `listen_path` (mode 0600, or 0660 and `listen_group`; never through a
  // symlink; an existing path is an error), claims `listen_fd`/`stream_fd` (duplicated to a
  // close-on-exec fd, the original number pointed at /dev/null). Errors name the path or fd.
  static Result<std::unique_ptr<ApiHost>> create(const ApiConfig& config,
                                                 api::RequestHandler& handler);
  ~ApiHost();  // closes everything; removes the socket files it created
  ApiHost(const ApiHost&) = delete;
  ApiHost& operator=(const ApiHost&) = delete;

  int epoll_fd() const { return epoll_.get(); }
  // Accepts, reads, answers and closes whatever is ready; never blocks.
  void on_ready();

  std::size_t connection_count() const { return conns_.size(); }

 private:
  struct Conn {
    base::UniqueFd fd;
    api::Connection conn;
    uint32_t events = 0;  // registered epoll mask
    std::chrono::steady_clock::time_point last_progress;
    Conn(base::UniqueFd f, api::RequestHandler& h) : fd(std::move(f)), conn(h) {}
  };
  struct CreatedPath {
    std::string path;
    dev_t dev;
    ino_t ino;
  };

  explicit ApiHost(api::RequestHandler& handler) : handler_(handler) {}
  Status add_listener(base::UniqueFd fd);
  void add_connection(base::UniqueFd fd);
  void accept_all(std::size_t listener);
  void service(uint64_t id);  // read, answer, write, maybe close
  void check_stalls();
  void arm_timer();

  api::RequestHandler& handler_;
  base::UniqueFd epoll_;
  base::UniqueFd timer_;
  std::vector<base::UniqueFd> listeners_;
  std::vector<CreatedPath> created_;
  std::map<uint64_t, std::unique_ptr<Conn>> conns_;
  uint64_t next_id_ = 0;
};

}  // namespace rosenpass::daemon
