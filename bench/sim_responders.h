// Simulated responders for bench_daemon_runtime's many-peers figures: peer i (1..n) is a
// protocol::Server with key pair k<i> from the benchmark cache and its own loopback UDP
// socket, as on a machine of its own. The peers are split over worker processes (peer i to
// worker (i-1) % workers: the daemon initiates in peer order, so every worker gets a share of
// each burst) so that answering the daemon does not set the pace of the measurement: with
// one thread simulating 10,000 responders, the simulation used twice the daemon's CPU and
// keyed a third of the peers by 240 s.
//
// Cheap per handshake, as far as the protocol core allows: keys are mapped, not copied (the
// daemon's public key once, before the workers fork; each peer's own on its first datagram),
// receive buffers are on the stack, and nothing but the protocol core's reply is allocated
// per datagram. What the core must do anyway per responder handshake: three passes over
// 512 KiB public keys and a McEliece decapsulation and encapsulation; on a responder's first
// InitHello also the hashes of its own key and of the daemon's that it computes once.
//
// The workers write their counters into shared memory (SimCounters); the parent reads them.
// A worker never returns into the benchmark: it ends with _exit.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rosenpass/daemon/key_files.h"
#include "rosenpass/protocol/server.h"

namespace rosenpass::bench {

namespace proto = rosenpass::protocol;

inline int64_t monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

inline int64_t thread_cpu_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Nanoseconds the process has spent on a CPU (/proc/<pid>/schedstat); 0 if it is gone.
inline int64_t process_cpu_ns(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/schedstat");
  int64_t ns = 0;
  f >> ns;
  return ns;
}

// Written by the workers, read by the parent (shared anonymous memory, lock-free atomics).
struct SimCounters {
  std::atomic<int64_t> first_datagram_ns{0};      // CLOCK_MONOTONIC of the first datagram
  std::atomic<int64_t> daemon_cpu_ns_at_first{0};  // the daemon's CPU at that moment
  std::atomic<int32_t> daemon_pid{0};             // set by the parent right after its fork
  std::atomic<uint32_t> keyed{0};                 // peers that got at least one key
  std::atomic<uint64_t> key_events{0};            // completed responder handshakes
  std::atomic<uint64_t> init_hellos{0};           // InitHellos answered (retransmissions too)
  std::atomic<uint64_t> datagrams{0};             // everything handled
  std::atomic<uint64_t> copies_skipped{0};        // see pump()
  std::atomic<int64_t> core_ns{0};                // thread CPU inside Server::handle()
  std::atomic<uint32_t> ready{0};                 // workers set up
  std::atomic<uint32_t> stop{0};
};

class SimResponders {
 public:
  static constexpr uint8_t kInitHelloType = 0x81;  // protocol.md §5

  // key_path(i, ".sk"/".pk") names peer i's key files; `profile` is the wire the simulated
  // peers accept from the daemon.
  SimResponders(int n, int workers, proto::PublicKeyRef daemon_pk, proto::WireProfile profile,
                std::function<std::string(int, const char*)> key_path)
      : n_(n),
        workers_(workers < 1 ? 1 : workers),
        daemon_pk_(std::move(daemon_pk)),
        profile_(profile),
        key_path_(std::move(key_path)) {
    void* m = ::mmap(nullptr, sizeof(SimCounters), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    counters_ = new (m) SimCounters();
    fds_.reserve(std::size_t(n));
    ports_.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i) {
      // CLOEXEC: the daemon, forked from this process later, must not inherit 10,000 sockets.
      int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
      socklen_t len = sizeof a;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
      fds_.push_back(fd);
      ports_.push_back(ntohs(a.sin_port));
    }
  }
  ~SimResponders() {
    stop();
    for (int fd : fds_) ::close(fd);
    counters_->~SimCounters();
    ::munmap(counters_, sizeof(SimCounters));
  }
  SimResponders(const SimResponders&) = delete;
  SimResponders& operator=(const SimResponders&) = delete;

  int port(int i) const { return ports_[std::size_t(i - 1)]; }
  SimCounters& counters() { return *counters_; }
  const std::vector<pid_t>& worker_pids() const { return pids_; }

  // Forks the workers and waits until each is listening; the sockets then belong to them.
  void start() {
    for (int w = 0; w < workers_; ++w) {
      const pid_t parent = ::getpid();
      pid_t pid = ::fork();
      if (pid == 0) {
        // A benchmark stopped by a signal must not leave its workers behind.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(0);
        run_worker(w);
        ::_exit(0);
      }
      pids_.push_back(pid);
    }
    for (int fd : fds_) ::close(fd);
    fds_.clear();
    while (counters_->ready.load() < uint32_t(workers_)) ::usleep(1000);
  }

  // The workers' CPU so far (while they run).
  int64_t cpu_ns() const {
    int64_t sum = 0;
    for (pid_t p : pids_) sum += process_cpu_ns(p);
    return sum;
  }

  void stop() {
    counters_->stop.store(1);
    for (pid_t p : pids_) ::waitpid(p, nullptr, 0);
    pids_.clear();
  }

 private:
  struct Peer {
    int index = 0;  // 1..n
    int fd = -1;
    std::unique_ptr<proto::Server> server;
    bool keyed = false;
  };

  static proto::Timestamp now_ts() { return proto::Timestamp(monotonic_ns()); }

  // Key pair and Server on the peer's first datagram: peers the daemon never reaches cost
  // nothing, and setting up 10,000 of them does not delay the daemon's start.
  void ensure_server(Peer& p) {
    if (p.server) return;
    auto sk = rosenpass::daemon::load_secret_key(key_path_(p.index, ".sk"));
    auto pk = rosenpass::daemon::load_public_key(key_path_(p.index, ".pk"));
    if (!sk || !pk) ::_exit(3);
    proto::ServerConfig sc;
    sc.public_key = *pk;
    sc.secret_key = std::move(sk->key);
    sc.load_policy = proto::make_never_under_load();
    p.server = proto::Server::create(std::move(sc));
    proto::PeerConfig pc;
    pc.public_key = daemon_pk_;
    pc.profile = profile_;
    pc.may_initiate = false;
    if (!p.server || !p.server->add_peer(std::move(pc))) ::_exit(4);
  }

  void on_first_datagram() {
    int64_t expected = 0;
    const int64_t t = monotonic_ns();
    if (counters_->first_datagram_ns.compare_exchange_strong(expected, t)) {
      counters_->daemon_cpu_ns_at_first.store(process_cpu_ns(counters_->daemon_pid.load()));
    }
  }

  // What is queued at the peer's socket, a batch at a time. A copy of a datagram that is
  // already in the same batch is skipped (counted): it is a retransmission that queued up
  // behind the original only because the simulated peers share two cores; a peer on a
  // machine of its own would have answered the original before the copy came. A copy that
  // comes after the answer is handled like any datagram (the answer may have been lost).
  void pump(Peer& p) {
    constexpr int kBatch = 8;
    struct Received {
      uint8_t bytes[2048];
      std::size_t size = 0;
      sockaddr_in from{};
      socklen_t len = sizeof(sockaddr_in);
    };
    static Received batch[kBatch];
    for (;;) {
      int got = 0;
      while (got < kBatch) {
        Received& r = batch[got];
        r.len = sizeof r.from;
        ssize_t n = ::recvfrom(p.fd, r.bytes, sizeof r.bytes, 0,
                               reinterpret_cast<sockaddr*>(&r.from), &r.len);
        if (n <= 0) break;
        r.size = std::size_t(n);
        ++got;
      }
      if (got == 0) return;
      for (int k = 0; k < got; ++k) {
        const Received& r = batch[k];
        bool copy = false;
        for (int j = 0; j < k && !copy; ++j) {
          copy = batch[j].size == r.size && std::equal(r.bytes, r.bytes + r.size, batch[j].bytes);
        }
        if (copy) {
          counters_->copies_skipped.fetch_add(1);
        } else {
          handle(p, r.bytes, r.size, r.from, r.len);
        }
      }
      if (got < kBatch) return;
    }
  }

  void handle(Peer& p, const uint8_t* buf, std::size_t size, const sockaddr_in& from,
              socklen_t len) {
    if (counters_->datagrams.fetch_add(1) == 0) on_first_datagram();
    ensure_server(p);
    const int64_t c0 = thread_cpu_ns();
    auto r = p.server->handle(std::span(buf, size), std::span<const uint8_t>(), now_ts());
    counters_->core_ns.fetch_add(thread_cpu_ns() - c0);
    if (r.reply) {
      if (buf[0] == kInitHelloType) counters_->init_hellos.fetch_add(1);
      ::sendto(p.fd, r.reply->data(), r.reply->size(), 0,
               reinterpret_cast<const sockaddr*>(&from), len);
    }
    if (r.event) {
      counters_->key_events.fetch_add(1);
      if (!p.keyed) {
        p.keyed = true;
        counters_->keyed.fetch_add(1);
      }
    }
  }

  void run_worker(int w) {
    std::vector<Peer> mine;
    for (int i = 1 + w; i <= n_; i += workers_) mine.push_back({i, fds_[std::size_t(i - 1)], {}, false});
    int ep = ::epoll_create1(0);
    for (std::size_t k = 0; k < mine.size(); ++k) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = k;
      ::epoll_ctl(ep, EPOLL_CTL_ADD, mine[k].fd, &ev);
    }
    counters_->ready.fetch_add(1);
    epoll_event events[64];
    while (!counters_->stop.load()) {
      int k = ::epoll_wait(ep, events, 64, 100);
      for (int e = 0; e < k; ++e) pump(mine[events[e].data.u64]);
    }
  }

  int n_;
  int workers_;
  proto::PublicKeyRef daemon_pk_;
  proto::WireProfile profile_;
  std::function<std::string(int, const char*)> key_path_;
  SimCounters* counters_ = nullptr;
  std::vector<int> fds_;
  std::vector<int> ports_;
  std::vector<pid_t> pids_;
};

}  // namespace rosenpass::bench
