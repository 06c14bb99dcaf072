// Scale of one `rosenpass` daemon (issue 6, item 6): it is started with N peers (default
// 1,000; RP_BENCH_PEERS overrides), and every peer is simulated here by its own
// protocol::Server with its own keypair and UDP socket. Reported:
//   startup_ms       spawn until the daemon answers the first InitHello
//   rss_anon_MiB     anonymous resident memory of the daemon after all handshakes
//   rss_file_MiB     file-backed resident memory (the memory-mapped public keys)
//   handshakes_per_s N-1 handshakes, at most RP_BENCH_WINDOW (4) in flight, until the
//                    daemon reported every key
//   daemon_cpu_ms_per_handshake  the daemon's CPU time per handshake (independent of load)
// Keypairs are generated once into RP_BENCH_CACHE (default build/bench-cache/daemon-keys)
// as k0 (the daemon) and k1..kN; McEliece key generation takes ~0.5 s per keypair.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_keys.h"
#include "rosenpass/daemon/key_files.h"
#include "rosenpass/kem/mceliece460896.h"
#include "rosenpass/protocol/server.h"

namespace {

namespace fs = std::filesystem;
namespace proto = rosenpass::protocol;
namespace mce = rosenpass::kem::mceliece460896;
using Clock = std::chrono::steady_clock;

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// RssAnon / RssFile of a process in MiB.
std::pair<double, double> rss_mib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  double anon = 0, file = 0;
  while (std::getline(f, line)) {
    std::istringstream is(line);
    std::string key;
    double kb = 0;
    is >> key >> kb;
    if (key == "RssAnon:") anon = kb / 1024;
    if (key == "RssFile:") file = kb / 1024;
  }
  return {anon, file};
}

// User + system CPU seconds a process has used.
double cpu_seconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::istringstream is(text.substr(text.rfind(')') + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && is >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::size_t count_lines(const std::string& path) {
  std::ifstream f(path);
  std::size_t n = 0;
  for (std::string line; std::getline(f, line);) n += line.find(" exchanged") != line.npos;
  return n;
}

struct SimulatedPeer {
  std::unique_ptr<proto::Server> server;
  proto::PeerHandle daemon;
  int fd = -1;
  bool started = false;
  bool done = false;
  proto::Timestamp next_wakeup{0};
};

void BM_DaemonWithManyPeers(benchmark::State& state) {
  const int n = std::stoi(env_or("RP_BENCH_PEERS", std::to_string(state.range(0))));
  const fs::path cache = env_or("RP_BENCH_CACHE", RP_BENCH_CACHE_DIR);
  rosenpass::bench::ensure_keys(cache, n + 1);
  for (auto _ : state) {
    fs::path work = fs::temp_directory_path() / ("rp-bench-daemon-" + std::to_string(getpid()));
    fs::create_directories(work);
    // The daemon listens on a kernel-chosen port that we reserve and release.
    int probe = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in daemon_addr{};
    daemon_addr.sin_family = AF_INET;
    daemon_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof daemon_addr;
    ::bind(probe, reinterpret_cast<sockaddr*>(&daemon_addr), len);
    ::getsockname(probe, reinterpret_cast<sockaddr*>(&daemon_addr), &len);
    ::close(probe);
    const int port = ntohs(daemon_addr.sin_port);

    std::ostringstream cfg;
    cfg << "public_key = \"" << (cache / "k0.pk").string() << "\"\nsecret_key = \""
        << (cache / "k0.sk").string() << "\"\nlisten = [\"127.0.0.1:" << port << "\"]\n";
    for (int i = 1; i <= n; ++i) {
      cfg << "\n[[peers]]\npublic_key = \"" << (cache / ("k" + std::to_string(i) + ".pk")).string()
          << "\"\nkey_out = \"" << (work / ("out" + std::to_string(i))).string()
          << "\"\nprotocol_version = \"V02\"\n";
    }
    std::ofstream(work / "daemon.toml") << cfg.str();

    // The simulated peers, built before the daemon starts so they are not timed.
    auto daemon_pk = rosenpass::daemon::load_public_key((cache / "k0.pk").string());
    std::vector<SimulatedPeer> peers(static_cast<std::size_t>(n));
    int ep = ::epoll_create1(0);
    for (int i = 0; i < n; ++i) {
      auto& p = peers[static_cast<std::size_t>(i)];
      auto base = (cache / ("k" + std::to_string(i + 1))).string();
      auto sk = rosenpass::daemon::load_secret_key(base + ".sk");
      auto pk = rosenpass::daemon::load_public_key(base + ".pk");
      proto::ServerConfig sc;
      sc.public_key = *pk;
      sc.secret_key = std::move(sk->key);
      p.server = proto::Server::create(std::move(sc));
      proto::PeerConfig pc;
      pc.public_key = *daemon_pk;
      pc.profile = proto::WireProfile::kV02;
      pc.may_initiate = false;  // each simulated peer starts when the benchmark says so
      p.daemon = *p.server->add_peer(std::move(pc));
      p.fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
      sockaddr_in any{};
      any.sin_family = AF_INET;
      any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ::bind(p.fd, reinterpret_cast<sockaddr*>(&any), sizeof any);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u32 = static_cast<uint32_t>(i);
      ::epoll_ctl(ep, EPOLL_CTL_ADD, p.fd, &ev);
    }
    const auto epoch = Clock::now();
    auto now = [&] { return std::chrono::duration_cast<proto::Timestamp>(Clock::now() - epoch); };
    auto send = [&](SimulatedPeer& p, const std::vector<uint8_t>& b) {
      ::sendto(p.fd, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&daemon_addr),
               sizeof daemon_addr);
    };
    std::size_t done = 0;
    // One round of the simulation: receive, handle, and run due timers.
    auto step = [&](int timeout_ms) {
      epoll_event events[64];
      int k = ::epoll_wait(ep, events, 64, timeout_ms);
      for (int e = 0; e < k; ++e) {
        auto& p = peers[events[e].data.u32];
        uint8_t buf[2048];
        for (;;) {
          ssize_t got = ::recv(p.fd, buf, sizeof buf, 0);
          if (got <= 0) break;
          auto r = p.server->handle(std::span(buf, static_cast<std::size_t>(got)),
                                    std::span<const uint8_t>(), now());
          if (r.reply) send(p, *r.reply);
          if (r.event && !p.done) {
            p.done = true;
            ++done;
          }
        }
      }
      auto t = now();
      for (auto& p : peers) {
        if (!p.started || t < p.next_wakeup)
          continue;  // done peers too: InitConf may need a retransmission
        auto r = p.server->poll(t);
        p.next_wakeup = r.next_wakeup;
        for (auto& d : r.datagrams) send(p, d.bytes);
      }
    };

    // Start the daemon; start-up ends when it completes the first peer's handshake.
    const auto t_spawn = Clock::now();
    pid_t pid = ::fork();
    if (pid == 0) {
      int o = ::open((work / "daemon.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = ::open((work / "daemon.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(o, 1);
      ::dup2(e, 2);
      ::execl(RP_ROSENPASS_BIN, RP_ROSENPASS_BIN, "exchange-config", (work / "daemon.toml").c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    auto start_peer = [&](SimulatedPeer& p) {
      p.started = true;
      p.server->set_may_initiate(p.daemon, true);
      if (auto ih = p.server->initiate(p.daemon, now())) send(p, *ih);
    };
    start_peer(peers[0]);
    while (!peers[0].done && Clock::now() - t_spawn < std::chrono::seconds(120)) step(5);
    const double startup_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - t_spawn).count();

    // Every other peer handshakes now, at most `window` at a time (RP_BENCH_WINDOW, default
    // 4), so the figure is the daemon's throughput rather than the retransmission schedule
    // of a burst that overflows its socket buffer.
    const std::size_t window = std::stoul(env_or("RP_BENCH_WINDOW", "4"));
    const double cpu_before = cpu_seconds(pid);
    const auto t_start = Clock::now();
    std::size_t next = 1;
    const auto deadline = Clock::now() + std::chrono::seconds(600);
    while (Clock::now() < deadline &&
           (done < peers.size() || count_lines((work / "daemon.out").string()) < peers.size())) {
      while (next < peers.size() && next - done < window) start_peer(peers[next++]);
      step(10);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - t_start).count();
    const std::size_t daemon_keys = count_lines((work / "daemon.out").string());
    auto [anon, file] = rss_mib(pid);
    const double daemon_cpu = cpu_seconds(pid) - cpu_before;

    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    for (auto& p : peers) ::close(p.fd);
    ::close(ep);
    std::error_code ec;
    if (!std::getenv("RP_BENCH_KEEP")) fs::remove_all(work, ec);

    state.SetIterationTime(seconds);
    state.counters["peers"] = n;
    state.counters["startup_ms"] = startup_ms;
    state.counters["rss_anon_MiB"] = anon;
    state.counters["rss_file_MiB"] = file;
    state.counters["handshakes_per_s"] = static_cast<double>(n - 1) / seconds;
    state.counters["daemon_cpu_ms_per_handshake"] = 1000 * daemon_cpu / (n - 1);
    state.counters["daemon_keys"] = static_cast<double>(daemon_keys);
    state.counters["peer_keys"] = static_cast<double>(done);
    state.counters["daemon_exit"] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
}

BENCHMARK(BM_DaemonWithManyPeers)
    ->Arg(1000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace
