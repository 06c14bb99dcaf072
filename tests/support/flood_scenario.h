// One flood scenario against the real `rosenpass` daemon (#17 items 1, 3, 5), in a private
// network namespace this process enters (unshare; root): victim `a` (default `auto` config,
// it also initiates to `b`) runs under a forged InitHello flood; after 1.5 s the legitimate
// peer `b` starts; both must write the same key. Used by tests/daemon/flood_netns_test.cpp
// (bounded assertions) and bench/flood_bench.cpp (the figures of docs/dos.md).
// Needs RP_ROSENPASS_BIN (process_util.h).
#pragma once

#include <sched.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "../daemon/process_util.h"
#include "forged_init_hello.h"

namespace rosenpass::test {

// Moves this process (and everything it starts later) into a fresh network namespace.
inline bool enter_private_netns() {
  static int done = -1;
  if (done < 0) done = ::unshare(CLONE_NEWNET) == 0 && std::system("ip link set lo up") == 0;
  return done == 1;
}

// CPU seconds (user + system) `pid` has used so far.
inline double cpu_seconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), {});
  auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(s.substr(close + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoul(field);
    if (i == 15) stime = std::stoul(field);
  }
  return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

struct FloodOutcome {
  double seconds_to_key = -1;  // from b's start; -1: no common key within the limit
  double victim_cpu = 0;       // share of one core during the flood, before b starts
  double sent_per_second = 0;  // what the flood achieved before b started
  bool victim_survived = true;
  std::string victim_err;
};

class FloodScenario {
 public:
  // Generates the two key pairs (seconds to minutes); error() says why it failed.
  FloodScenario() {
    for (const char* name : {"a", "b"}) {
      auto r = run_rosenpass_bin(keys_, {"gen-keys", "-p", keys_ / (std::string(name) + ".pk"),
                                         "-s", keys_ / (std::string(name) + ".sk")},
                                 std::chrono::seconds(600));
      if (r.code != 0) error_ = "gen-keys failed: " + r.err;
    }
  }
  const std::string& error() const { return error_; }

  // Forged InitHellos of `size` bytes (1092 legacy, 1060 V02/V03 by `hash`) at `rate`/s
  // (0 = line rate) from `sources` addresses.
  FloodOutcome run(std::size_t size, crypto::HashChoice hash, int rate,
                   std::chrono::milliseconds limit, int sources = 500) {
    using Clock = std::chrono::steady_clock;
    ++round_;
    const int pa = 40000 + round_ * 2, pb = pa + 1;
    auto config = [&](const std::string& self, const std::string& other, int port,
                      int peer_port) {
      std::string path = dir_ / (self + std::to_string(round_) + ".toml");
      write_text(path, "public_key = \"" + keys_ / (self + ".pk") + "\"\nsecret_key = \"" +
                           keys_ / (self + ".sk") + "\"\nlisten = [\"127.0.0.1:" +
                           std::to_string(port) + "\"]\nverbosity = \"Quiet\"\n\n[[peers]]\n" +
                           "public_key = \"" + keys_ / (other + ".pk") +
                           "\"\nendpoint = \"127.0.0.1:" + std::to_string(peer_port) +
                           "\"\nkey_out = \"" + dir_ / (self + "-key") + "\"\n");
      return path;
    };
    std::filesystem::remove(dir_ / "a-key");
    std::filesystem::remove(dir_ / "b-key");
    Process a({"exchange-config", config("a", "b", pa, pb)}, dir_ / "a.out", dir_ / "a.err");
    std::ifstream pkf(keys_ / "a.pk", std::ios::binary);
    std::vector<uint8_t> pk{std::istreambuf_iterator<char>(pkf), {}};
    std::vector<std::vector<uint8_t>> forged;
    for (int i = 0; i < 64; ++i) forged.push_back(forge_init_hello(size, pk, hash));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    FloodOutcome o;
    {
      ForgedFlood flood(pa, forged, rate, sources);
      const double cpu0 = cpu_seconds(a.pid());
      const auto t0 = Clock::now();
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      const double window = std::chrono::duration<double>(Clock::now() - t0).count();
      o.victim_cpu = (cpu_seconds(a.pid()) - cpu0) / window;
      o.sent_per_second = double(flood.sent()) / window;
      Process b({"exchange-config", config("b", "a", pb, pa)}, dir_ / "b.out", dir_ / "b.err");
      const auto start = Clock::now();
      while (Clock::now() - start < limit) {
        auto ka = read_text(dir_ / "a-key"), kb = read_text(dir_ / "b-key");
        if (!ka.empty() && ka == kb) {
          o.seconds_to_key = std::chrono::duration<double>(Clock::now() - start).count();
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      o.victim_survived = a.running();
      b.stop();
    }
    a.stop();
    o.victim_err = a.err();
    return o;
  }

 private:
  ScratchDir keys_, dir_;
  std::string error_;
  int round_ = 0;
};

}  // namespace rosenpass::test
