// Forged InitHellos as an off-path attacker makes them (#17): random body and ciphertexts,
// a valid mac (its key derives from the victim's *public* key, so anyone can compute it).
// Shared by bench/dos_bench.cpp, bench/flood_bench.cpp and tests/daemon/flood_netns_test.cpp.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "rosenpass/crypto/hash_domains.h"
#include "rosenpass/crypto/random.h"

namespace rosenpass::test {

// Wire sizes: 1060 = V02/V03 (the hash picks which), 1092 = legacy V02-pc (BLAKE2b).
inline std::vector<uint8_t> forge_init_hello(std::size_t size, std::span<const uint8_t> victim_pk,
                                             crypto::HashChoice h = crypto::HashChoice::kBlake2b) {
  std::vector<uint8_t> m(size);
  crypto::system_random().fill(m);
  m[0] = 0x81;  // InitHello
  m[1] = m[2] = m[3] = 0;
  const auto& d = crypto::hash_domains(h);
  auto mac_key = crypto::keyed_hash(h, d.mac, victim_pk);
  auto mac = crypto::keyed_hash(h, mac_key, std::span(m).first(size - 32));
  std::copy_n(mac.begin(), 16, m.end() - 32);  // mac; the cookie field stays random
  return m;
}

// Sends `msgs` in turn to 127.0.0.1:port from `sources` addresses 127.20.x.y at `rate`
// datagrams per second (0 = as fast as one thread can) until destroyed.
class ForgedFlood {
 public:
  ForgedFlood(int port, std::vector<std::vector<uint8_t>> msgs, int rate, int sources = 500)
      : msgs_(std::move(msgs)), rate_(rate) {
    rlimit rl{4096, 4096};
    ::setrlimit(RLIMIT_NOFILE, &rl);
    for (int i = 0; i < sources; ++i) {
      int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
      sockaddr_in src{};
      src.sin_family = AF_INET;
      src.sin_addr.s_addr = htonl((127u << 24) | (20u << 16) | uint32_t(i + 1));
      if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
        if (fd >= 0) ::close(fd);
        continue;
      }
      fds_.push_back(fd);
    }
    dst_.sin_family = AF_INET;
    dst_.sin_port = htons(uint16_t(port));
    dst_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!fds_.empty()) thread_ = std::thread([this] { run(); });
  }
  ~ForgedFlood() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (int fd : fds_) ::close(fd);
  }
  ForgedFlood(const ForgedFlood&) = delete;
  ForgedFlood& operator=(const ForgedFlood&) = delete;

  std::size_t sources() const { return fds_.size(); }
  uint64_t sent() const { return sent_; }

 private:
  void run() {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    uint64_t n = 0;
    while (!stop_) {
      if (rate_ > 0) {
        auto due = uint64_t(std::chrono::duration<double>(Clock::now() - start).count() * rate_);
        if (n >= due) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          continue;
        }
      }
      const auto& m = msgs_[n % msgs_.size()];
      if (::sendto(fds_[n % fds_.size()], m.data(), m.size(), 0,
                   reinterpret_cast<const sockaddr*>(&dst_), sizeof dst_) > 0) {
        ++sent_;
      }
      ++n;
    }
  }
  std::vector<std::vector<uint8_t>> msgs_;
  int rate_;
  std::vector<int> fds_;
  sockaddr_in dst_{};
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> sent_{0};
  std::thread thread_;
};

}  // namespace rosenpass::test
