// EmbeddedServer: daemon::Runtime (the daemon's sans-IO core) with the I/O a host needs
// around it: optional UDP sockets, a timerfd and an epoll fd for the host's event loop or an
// owned thread, key events by callback or queue, and C peer handles. Every public method is
// thread-safe; see the locking notes in embedded_server.cpp.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "capi_internal.h"
#include "rosenpass/daemon/runtime.h"
#include "rosenpass/daemon/socket_address.h"
#include "rosenpass/daemon/udp_sockets.h"

namespace rosenpass::capi {

// A peer's settings, checked and converted from rosenpass_peer_config.
struct PeerSettings {
  protocol::PublicKeyRef public_key;  // null in updates that keep the key
  std::optional<protocol::Psk> psk;
  protocol::WireProfile profile = protocol::WireProfile::kAuto;
  protocol::OskDomain osk;
  std::vector<daemon::SocketAddress> endpoints;  // resolved
};

class EmbeddedServer {
 public:
  // Binds `listen` (none: host-fed). Status code; the error message is recorded.
  static int create(const KeyPair& keys, std::span<const daemon::SocketAddress> listen,
                    std::shared_ptr<EmbeddedServer>* out);
  ~EmbeddedServer();
  EmbeddedServer(const EmbeddedServer&) = delete;
  EmbeddedServer& operator=(const EmbeddedServer&) = delete;

  int add_peer(PeerSettings settings, uint64_t* peer);
  int update_peer(uint64_t peer, PeerSettings settings);
  int set_endpoints(uint64_t peer, std::vector<daemon::SocketAddress> endpoints);
  int remove_peer(uint64_t peer);
  int status(uint64_t peer, rosenpass_peer_status* out);
  int listen_address(std::size_t index, std::string* out);

  int set_key_callback(rosenpass_key_fn fn, void* ctx);
  int set_send_callback(rosenpass_send_fn fn, void* ctx);
  int next_event(rosenpass_key_event* out);
  int wait_event(int timeout_ms, rosenpass_key_event* out);

  int start();
  int stop();
  int fd() const { return epoll_fd_; }
  int timeout_ms(int* out);
  int process();
  int feed(std::span<const uint8_t> datagram, const daemon::SocketAddress& from);

  // True on the thread currently driving this server (i.e. inside one of its callbacks).
  bool on_driving_thread() const { return driver_.load() == std::this_thread::get_id(); }
  // For destroy: stops the thread, waits for a driving host thread, wakes event waiters.
  void close();

  // From the key sink, inside a Runtime call (mu_ held).
  void on_key(uint64_t peer, const base::KeyUpdate& update);

 private:
  struct Peer {
    daemon::PeerRef ref;
    protocol::PublicKeyRef public_key;
    protocol::WireProfile profile = protocol::WireProfile::kAuto;
    protocol::OskDomain osk;
    std::vector<daemon::SocketAddress> endpoints;  // configured
    uint64_t exchanged = 0, stale = 0;
    bool has_key = false;
    std::optional<daemon::Timestamp> last_event;
  };
  struct Event {
    uint64_t peer;
    int kind;
    crypto::Secret<32> key;
  };

  EmbeddedServer() = default;
  daemon::Timestamp now() const;
  daemon::PeerSpec make_spec(uint64_t id, PeerSettings& s);
  void absorb(daemon::Output out);  // mu_ held
  void rearm_timer();               // mu_ held
  void kick();                      // mu_ held: run the timers soon
  void drive(const std::optional<std::pair<std::span<const uint8_t>, daemon::SocketAddress>>& fed);
  void flush_outbox();
  void deliver_events();
  void thread_main();
  int take_event(rosenpass_key_event* out);  // ev_mu_ held

  // mu_ guards the runtime, peers, sockets, callbacks, outbox and pending events. It is
  // never held while a host callback runs. drive_mu_ serialises the driving (receiving,
  // timers, callbacks), so events reach the host in order.
  mutable std::mutex mu_;
  std::mutex drive_mu_;
  std::unique_ptr<daemon::Runtime> rt_;
  std::vector<daemon::UdpSocket> sockets_;  // empty: host-fed
  std::map<uint64_t, Peer> peers_;
  uint64_t last_peer_id_ = 0;
  std::chrono::steady_clock::time_point epoch_;
  daemon::Timestamp next_wakeup_{0};
  std::vector<daemon::Datagram> outbox_;  // host-fed: for the send callback
  std::vector<Event> pending_;            // for the key callback or the queue
  rosenpass_key_fn key_fn_ = nullptr;
  void* key_ctx_ = nullptr;
  rosenpass_send_fn send_fn_ = nullptr;
  void* send_ctx_ = nullptr;
  uint64_t send_drops_ = 0;

  int epoll_fd_ = -1, timer_fd_ = -1, wake_fd_ = -1;
  std::atomic<std::thread::id> driver_{};

  std::mutex thread_mu_;  // start/stop
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> closing_{false};  // set first by close(): no driving or thread after it

  std::mutex ev_mu_;  // the event queue
  std::condition_variable ev_cv_;
  std::deque<Event> queue_;
  bool closed_ = false;
};

Registry<EmbeddedServer>& servers();

}  // namespace rosenpass::capi
