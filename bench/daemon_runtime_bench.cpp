// The `rosenpass` daemon against the protocol core (issue 12 figures). Keypairs come from
// RP_BENCH_CACHE (k0 = the daemon, k1..kN its peers; missing ones: bench_keys.h). CPU time
// of the daemon is its task clock from exec on (perf_event_open, read while it runs: the
// kernel brings a running task's count up to date on read, which /proc/<pid>/schedstat does
// not — there a running task's current slice, up to a scheduler tick, is missing); where
// perf events are not permitted, /proc/<pid>/schedstat (counter cpu_clock_perf = 0).
//   BM_StartupToFirstInitHello  one peer, default config (protocol_version auto, key_out):
//       daemon CPU from exec to the moment its first InitHello arrives (cpu_ms, median of 9)
//   BM_HandshakeDaemonVsCore    the daemon as responder: CPU per handshake, and in this
//       process the protocol core's responder share (handle() of InitHello and InitConf),
//       interleaved in one run; ratio = daemon / core over all RP_BENCH_HANDSHAKES (default
//       200), ratio_median = the medians' ratio (per-handshake samples: the daemon's between
//       the starts of consecutive handshakes, when it waits idle). key_out lies on tmpfs (/dev/shm), as
//       deployments put it under /run: the daemon fsyncs key_out before the rename (issue
//       18), which on a disk would measure the disk, not the daemon
//   BM_DaemonInitiatesToManyPeers  N peers (RP_BENCH_PEERS, default 1000) with endpoints
//       and protocol_version RP_BENCH_VERSION (default V02), answered by simulated responders
//       in RP_BENCH_SIM_WORKERS worker processes (default 2; sim_responders.h): first
//       InitHello after spawn (wall and the daemon's CPU), every peer keyed (until
//       RP_BENCH_DEADLINE_S, default 300), anonymous RSS, the daemon's and the simulation's
//       CPU per handshake, and with RP_BENCH_STEADY_S > 0 the CPU per second over that many
//       seconds of rekeying that follow (130 s: every peer rekeys once)
// RP_BENCH_ROSENPASS=<path> runs another `rosenpass` build instead (for before/after figures).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench_keys.h"
#include "sim_responders.h"
#include "rosenpass/daemon/key_files.h"
#include "rosenpass/protocol/server.h"

namespace {

namespace fs = std::filesystem;
namespace proto = rosenpass::protocol;
using Clock = std::chrono::steady_clock;

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

fs::path cache_dir() {
  return env_or("RP_BENCH_CACHE", RP_BENCH_CACHE_DIR);
}

std::string key(int i, const char* ext) {
  return (cache_dir() / ("k" + std::to_string(i) + ext)).string();
}

double cpu_ms(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/schedstat");
  double ns = 0;
  f >> ns;
  return ns / 1e6;
}

// User and system CPU milliseconds (clock-tick resolution) from /proc/<pid>/stat.
std::pair<double, double> user_sys_ms(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::istringstream is(text.substr(text.rfind(')') + 2));
  std::string field;
  double ut = 0, st = 0;
  for (int i = 3; i <= 15 && is >> field; ++i) {
    if (i == 14) ut = std::stod(field);
    if (i == 15) st = std::stod(field);
  }
  const double tick_ms = 1000.0 / double(::sysconf(_SC_CLK_TCK));
  return {ut * tick_ms, st * tick_ms};
}

double thread_cpu_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double rss_anon_mib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("RssAnon:", 0) == 0) return std::stod(line.substr(8)) / 1024;
  }
  return 0;
}

std::size_t exchanged_lines(const fs::path& p) {
  std::ifstream f(p);
  std::size_t n = 0;
  for (std::string line; std::getline(f, line);) n += line.find(" exchanged") != line.npos;
  return n;
}

struct UdpEnd {
  int fd = -1;
  sockaddr_in addr{};
  UdpEnd() {
    fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  }
  ~UdpEnd() { ::close(fd); }
  int port() const { return ntohs(addr.sin_port); }
};

// Where key_out goes in the benchmarks: tmpfs like /run in deployments (RP_BENCH_TMPFS
// overrides; /dev/shm is tmpfs on Linux), falling back to the temporary directory.
fs::path tmpfs_dir() {
  fs::path p = env_or("RP_BENCH_TMPFS", "/dev/shm");
  std::error_code ec;
  return fs::is_directory(p, ec) ? p : fs::temp_directory_path();
}

int free_port() {
  UdpEnd probe;
  return probe.port();
}

// The program the benchmarks start: RP_BENCH_ROSENPASS (another build to compare, e.g.
// main's, or a floor program) or this tree's rosenpass.
std::string daemon_program() { return env_or("RP_BENCH_ROSENPASS", RP_ROSENPASS_BIN); }

// False (and the benchmark skipped with the reason) if that program cannot be executed:
// otherwise every start would wait for a datagram that never comes.
bool daemon_program_runs(benchmark::State& state) {
  const std::string bin = daemon_program();
  if (::access(bin.c_str(), X_OK) == 0) return true;
  state.SkipWithError(("cannot execute " + bin + " (RP_BENCH_ROSENPASS)").c_str());
  return false;
}

// A temporary directory and a daemon started on a config written there.
struct Daemon {
  fs::path work;
  pid_t pid = -1;
  int task_clock = -1;  // perf task-clock of the daemon from exec on; -1: not permitted
  explicit Daemon(const std::string& config) {
    // On tmpfs: ManyPeers' key_out files live here, fsynced per key like any key_out.
    work = tmpfs_dir() / ("rp-bench-rt-" + std::to_string(::getpid()));
    fs::create_directories(work);
    std::ofstream(work / "daemon.toml") << config;
  }
  void start() {
    // The child waits until its counter exists, so that enable_on_exec sees the exec.
    int go[2];
    if (::pipe2(go, O_CLOEXEC) != 0) go[0] = go[1] = -1;
    pid = ::fork();
    if (pid == 0) {
      char c;
      ::close(go[1]);
      if (::read(go[0], &c, 1) != 1) {
        // The harness is gone or could not make its counter: run anyway.
      }
      int o = ::open((work / "daemon.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = ::open((work / "daemon.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(o, 1);
      ::dup2(e, 2);
      const std::string bin = daemon_program();
      ::execl(bin.c_str(), bin.c_str(), "exchange-config",
              (work / "daemon.toml").c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    perf_event_attr a{};
    a.type = PERF_TYPE_SOFTWARE;
    a.size = sizeof a;
    a.config = PERF_COUNT_SW_TASK_CLOCK;
    a.disabled = 1;
    a.enable_on_exec = 1;
    a.inherit = 1;
    task_clock = int(::syscall(SYS_perf_event_open, &a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC));
    ::close(go[0]);
    if (::write(go[1], "g", 1) != 1) {
      // Only if the child died already; waitpid in the destructor reaps it.
    }
    ::close(go[1]);
  }
  // The daemon's CPU milliseconds so far.
  double cpu() const {
    uint64_t ns = 0;
    if (task_clock >= 0 && ::read(task_clock, &ns, sizeof ns) == sizeof ns) return double(ns) / 1e6;
    return cpu_ms(pid);
  }
  ~Daemon() {
    if (task_clock >= 0) ::close(task_clock);
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(work, ec);
  }
};

std::string header(int port) {
  return "public_key = \"" + key(0, ".pk") + "\"\nsecret_key = \"" + key(0, ".sk") +
         "\"\nlisten = [\"127.0.0.1:" + std::to_string(port) + "\"]\n";
}

// A simulated peer: protocol::Server with keypair k<i> and its own UDP socket.
struct SimPeer {
  std::unique_ptr<proto::Server> server;
  proto::PeerHandle daemon;
  UdpEnd sock;
  bool keyed = false;
  SimPeer(int i, const proto::PublicKeyRef& daemon_pk, bool initiates) {
    auto sk = rosenpass::daemon::load_secret_key(key(i, ".sk"));
    auto pk = rosenpass::daemon::load_public_key(key(i, ".pk"));
    proto::ServerConfig sc;
    sc.public_key = *pk;
    sc.secret_key = std::move(sk->key);
    sc.load_policy = proto::make_never_under_load();
    server = proto::Server::create(std::move(sc));
    proto::PeerConfig pc;
    pc.public_key = daemon_pk;
    pc.profile = initiates ? proto::WireProfile::kV02 : proto::WireProfile::kAuto;
    pc.may_initiate = false;
    daemon = *server->add_peer(std::move(pc));
  }
  void send(const std::vector<uint8_t>& b, const sockaddr_in& to) const {
    ::sendto(sock.fd, b.data(), b.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }
};

proto::Timestamp now_ts() {
  return std::chrono::duration_cast<proto::Timestamp>(Clock::now().time_since_epoch());
}

// Handles whatever arrived at `p`; replies go back to the sender. True if anything arrived.
bool pump(SimPeer& p) {
  uint8_t buf[2048];
  bool any = false;
  for (;;) {
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t got = ::recvfrom(p.sock.fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (got <= 0) return any;
    any = true;
    auto r = p.server->handle(std::span(buf, std::size_t(got)), std::span<const uint8_t>(), now_ts());
    if (r.reply) p.send(*r.reply, from);
    if (r.event) p.keyed = true;
  }
}

void BM_StartupToFirstInitHello(benchmark::State& state) {
  if (!daemon_program_runs(state)) return;
  rosenpass::bench::ensure_keys(cache_dir(), 2);
  std::vector<double> samples;
  bool perf_clock = true;
  for (auto _ : state) {
    for (int run = 0; run < 9; ++run) {
      UdpEnd peer;
      Daemon d(header(free_port()) + "\n[[peers]]\npublic_key = \"" + key(1, ".pk") +
               "\"\nendpoint = \"127.0.0.1:" + std::to_string(peer.port()) +
               "\"\nkey_out = \"/dev/null\"\n");
      d.start();
      perf_clock = perf_clock && d.task_clock >= 0;
      int ep = ::epoll_create1(0);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ::epoll_ctl(ep, EPOLL_CTL_ADD, peer.fd, &ev);
      const bool arrived = ::epoll_wait(ep, &ev, 1, 20000) == 1;
      if (arrived) samples.push_back(d.cpu());
      ::close(ep);
      if (!arrived) {
        state.SkipWithError(("no InitHello within 20 s of starting " + daemon_program()).c_str());
        return;
      }
    }
  }
  std::sort(samples.begin(), samples.end());
  state.counters["cpu_ms_median"] = samples.empty() ? -1 : samples[samples.size() / 2];
  state.counters["cpu_ms_min"] = samples.empty() ? -1 : samples.front();
  state.counters["cpu_clock_perf"] = perf_clock;  // 0: read from /proc/<pid>/schedstat
}

void BM_HandshakeDaemonVsCore(benchmark::State& state) {
  // Per-handshake CPU varies by about 5 % (sd), so the ratio's sampling error is about 1 %
  // at 40 handshakes and 0.5 % at 200; runs still differ by 1-4 % as the machine's load moves.
  const int handshakes = std::stoi(env_or("RP_BENCH_HANDSHAKES", "200"));
  if (!daemon_program_runs(state)) return;
  rosenpass::bench::ensure_keys(cache_dir(), 2);
  for (auto _ : state) {
    const int port = free_port();
    const fs::path key_out = tmpfs_dir() / ("rp-bench-rt-out-" + std::to_string(::getpid()));
    Daemon d(header(port) + "\n[[peers]]\npublic_key = \"" + key(1, ".pk") + "\"\nkey_out = \"" +
             key_out.string() + "\"\nprotocol_version = \"V02\"\n");
    d.start();
    sockaddr_in daemon_addr{};
    daemon_addr.sin_family = AF_INET;
    daemon_addr.sin_port = htons(uint16_t(port));
    daemon_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto daemon_pk = *rosenpass::daemon::load_public_key(key(0, ".pk"));
    SimPeer sim(1, daemon_pk, true);
    // The same pair in process: the core's responder share, timed around its handle() calls.
    auto own_sk = rosenpass::daemon::load_secret_key(key(0, ".sk"));
    proto::ServerConfig rc;
    rc.public_key = daemon_pk;
    rc.secret_key = std::move(own_sk->key);
    rc.load_policy = proto::make_never_under_load();
    auto core = proto::Server::create(std::move(rc));
    proto::PeerConfig pc;
    pc.public_key = *rosenpass::daemon::load_public_key(key(1, ".pk"));
    pc.profile = proto::WireProfile::kV02;
    pc.may_initiate = false;
    (void)core->add_peer(std::move(pc));
    SimPeer sim2(1, daemon_pk, true);

    auto one_daemon_handshake = [&] {
      sim.keyed = false;
      auto ih = sim.server->initiate(sim.daemon, now_ts());
      sim.send(*ih, daemon_addr);
      const auto deadline = Clock::now() + std::chrono::seconds(20);
      std::size_t lines_before = exchanged_lines(d.work / "daemon.out");
      // Blocking waits, no busy polling: this process must not compete with the daemon for
      // the CPU while it works. The daemon runs its sinks (stdout line) before it sends
      // EmptyData, so the line is there once the simulated peer is keyed.
      while (Clock::now() < deadline) {
        pollfd pfd{sim.sock.fd, POLLIN, 0};
        ::poll(&pfd, 1, 20);
        pump(sim);
        auto o = sim.server->poll(now_ts());
        for (auto& dg : o.datagrams) sim.send(dg.bytes, daemon_addr);
        if (sim.keyed && exchanged_lines(d.work / "daemon.out") > lines_before) return true;
      }
      return false;
    };
    double core_ms = 0;  // total over the measured handshakes
    auto one_core_handshake = [&] {
      auto ih = sim2.server->initiate(sim2.daemon, now_ts());
      double t0 = thread_cpu_ms();
      auto rh = core->handle(*ih, std::span<const uint8_t>(), now_ts());
      core_ms += thread_cpu_ms() - t0;
      auto ic = sim2.server->handle(*rh.reply, std::span<const uint8_t>(), now_ts());
      t0 = thread_cpu_ms();
      auto ed = core->handle(*ic.reply, std::span<const uint8_t>(), now_ts());
      core_ms += thread_cpu_ms() - t0;
      (void)sim2.server->handle(*ed.reply, std::span<const uint8_t>(), now_ts());
    };
    // Warm-up: the daemon's start-up and first handshake are not counted.
    if (!one_daemon_handshake()) {
      state.SkipWithError("daemon did not complete the first handshake");
      return;
    }
    one_core_handshake();
    core_ms = 0;
    const double cpu_before = d.cpu();
    const auto us_before = user_sys_ms(d.pid);
    int ok = 0;
    // Per-handshake samples for the medians. The daemon's CPU is read when it waits idle:
    // before each of its handshakes (the core's ran in between, so it has long finished the
    // previous one) and once after the last core handshake.
    std::vector<double> daemon_samples, core_samples;
    double daemon_mark = cpu_before;
    for (int i = 0; i < handshakes; ++i) {
      if (i > 0) {
        const double now_cpu = d.cpu();
        daemon_samples.push_back(now_cpu - daemon_mark);
        daemon_mark = now_cpu;
      }
      ok += one_daemon_handshake();
      const double core_before = core_ms;
      one_core_handshake();
      core_samples.push_back(core_ms - core_before);
    }
    daemon_samples.push_back(d.cpu() - daemon_mark);
    const double daemon_per = (daemon_mark + daemon_samples.back() - cpu_before) / ok;
    const auto us_after = user_sys_ms(d.pid);
    state.counters["daemon_user_ms_per_hs"] = (us_after.first - us_before.first) / ok;
    state.counters["daemon_sys_ms_per_hs"] = (us_after.second - us_before.second) / ok;
    const double core_per = core_ms / handshakes;
    state.counters["handshakes"] = ok;
    state.counters["daemon_cpu_ms_per_hs"] = daemon_per;
    state.counters["core_cpu_ms_per_hs"] = core_per;
    state.counters["ratio"] = daemon_per / core_per;
    state.counters["cpu_clock_perf"] = d.task_clock >= 0;
    auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return v.empty() ? -1.0 : v[v.size() / 2];
    };
    const double daemon_median = median(daemon_samples), core_median = median(core_samples);
    state.counters["daemon_cpu_ms_median"] = daemon_median;
    state.counters["core_cpu_ms_median"] = core_median;
    state.counters["ratio_median"] = daemon_median / core_median;
    std::error_code ec;
    fs::remove(key_out, ec);
  }
}

proto::WireProfile profile_named(const std::string& v) {
  if (v == "V02") return proto::WireProfile::kV02;
  if (v == "V03") return proto::WireProfile::kV03;
  if (v == "V02pc") return proto::WireProfile::kV02pc;
  return proto::WireProfile::kAuto;
}

void BM_DaemonInitiatesToManyPeers(benchmark::State& state) {
  const int n = std::stoi(env_or("RP_BENCH_PEERS", "1000"));
  const int steady_s = std::stoi(env_or("RP_BENCH_STEADY_S", "0"));
  const int workers = std::stoi(env_or("RP_BENCH_SIM_WORKERS", "2"));
  const std::string version = env_or("RP_BENCH_VERSION", "V02");
  if (!daemon_program_runs(state)) return;
  rosenpass::bench::ensure_keys(cache_dir(), n + 1);
  for (auto _ : state) {
    auto daemon_pk = *rosenpass::daemon::load_public_key(key(0, ".pk"));
    rosenpass::bench::SimResponders sim(n, workers, daemon_pk, profile_named(version), key);
    std::ostringstream cfg;
    Daemon d("");
    for (int i = 1; i <= n; ++i) {
      cfg << "\n[[peers]]\npublic_key = \"" << key(i, ".pk") << "\"\nendpoint = \"127.0.0.1:"
          << sim.port(i) << "\"\nkey_out = \"" << (d.work / ("out" + std::to_string(i))).string()
          << "\"\nprotocol_version = \"" << version << "\"\n";
    }
    std::ofstream(d.work / "daemon.toml") << header(free_port()) << cfg.str();
    sim.start();
    auto& c = sim.counters();
    const int64_t t0 = rosenpass::bench::monotonic_ns();
    d.start();
    c.daemon_pid.store(d.pid);
    const int64_t deadline =
        t0 + int64_t(std::stoi(env_or("RP_BENCH_DEADLINE_S", "300"))) * 1000000000;
    int64_t all_ns = -1;
    while (rosenpass::bench::monotonic_ns() < deadline) {
      ::usleep(20000);
      if (c.keyed.load() >= uint32_t(n)) {
        all_ns = rosenpass::bench::monotonic_ns() - t0;
        break;
      }
    }
    const double cpu_keyed = d.cpu();
    const double sim_cpu_keyed = double(sim.cpu_ns()) / 1e6;
    const uint64_t hs_keyed = c.key_events.load();
    const uint64_t hellos_keyed = c.init_hellos.load();
    const double core_keyed = double(c.core_ns.load()) / 1e6;
    const double rss = rss_anon_mib(d.pid);
    // The daemon's own count: its stdout sink prints a line per key before it sends InitConf.
    const std::size_t keyed = exchanged_lines(d.work / "daemon.out");
    double steady = -1, steady_hs = -1, steady_sim = -1, rss_steady = -1;
    if (steady_s > 0) {
      const double c0 = d.cpu();
      const int64_t s0 = sim.cpu_ns();
      const uint64_t h0 = c.key_events.load();
      ::sleep(unsigned(steady_s));
      steady = (d.cpu() - c0) / 1000 / steady_s;
      steady_hs = double(c.key_events.load() - h0);
      steady_sim = double(sim.cpu_ns() - s0) / 1e9 / steady_s;
      rss_steady = rss_anon_mib(d.pid);
    }
    sim.stop();
    const int64_t first = c.first_datagram_ns.load();
    state.counters["peers"] = n;
    state.counters["cpu_clock_perf"] = d.task_clock >= 0;
    state.counters["sim_workers"] = workers;
    state.counters["first_initiation_ms"] = first ? double(first - t0) / 1e6 : -1;
    state.counters["first_initiation_cpu_ms"] =
        first ? double(c.daemon_cpu_ns_at_first.load()) / 1e6 : -1;
    state.counters["all_keyed_ms"] = all_ns < 0 ? -1 : double(all_ns) / 1e6;
    state.counters["keyed"] = double(keyed);
    state.counters["rss_anon_MiB"] = rss;
    state.counters["rss_anon_KiB_per_peer"] = rss * 1024 / n;
    state.counters["daemon_cpu_ms_to_all_keyed"] = cpu_keyed;
    state.counters["daemon_cpu_ms_per_peer"] = cpu_keyed / n;
    // The simulated responders: all workers' CPU per completed handshake, and the share of
    // it inside the protocol core; InitHellos answered per handshake (> 1: retransmissions).
    state.counters["sim_cpu_ms_to_all_keyed"] = sim_cpu_keyed;
    state.counters["sim_cpu_ms_per_hs"] = hs_keyed ? sim_cpu_keyed / double(hs_keyed) : -1;
    state.counters["sim_core_ms_per_hs"] = hs_keyed ? core_keyed / double(hs_keyed) : -1;
    state.counters["init_hellos_per_hs"] = hs_keyed ? double(hellos_keyed) / double(hs_keyed) : -1;
    state.counters["sim_copies_skipped"] = double(c.copies_skipped.load());
    state.counters["steady_cpu_s_per_s"] = steady;
    state.counters["steady_handshakes"] = steady_hs;
    state.counters["steady_cpu_ms_per_hs"] = steady_hs > 0 ? steady * 1000 * steady_s / steady_hs : -1;
    state.counters["steady_sim_cpu_s_per_s"] = steady_sim;
    state.counters["steady_rss_anon_MiB"] = rss_steady;  // at the end of the steady window
  }
}

BENCHMARK(BM_StartupToFirstInitHello)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HandshakeDaemonVsCore)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DaemonInitiatesToManyPeers)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
