// The benchmarks' keypair cache: k0..k<count-1>.{pk,sk} in one directory, generated once.
// McEliece key generation takes ~0.25 s of CPU per keypair, so missing ones are made on
// every core, and each file is written to a temporary name and renamed: an interrupted run
// never leaves a short key that a later run would take for a complete one.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "rosenpass/crypto/random.h"
#include "rosenpass/kem/mceliece460896.h"

namespace rosenpass::bench {

// Writes `bytes` to `path` via `path`.tmp-<pid>-<thread> and rename; false on any error.
inline bool write_file_atomically(const std::filesystem::path& path, std::span<const uint8_t> bytes,
                                  unsigned worker) {
  const std::filesystem::path tmp =
      path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(worker);
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    if (!f.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
  return !ec;
}

// Makes sure k0..k<count-1> exist in `dir` (the secret key is renamed into place first, so
// a public key's presence means the pair is complete).
inline void ensure_keys(const std::filesystem::path& dir, int count) {
  namespace mce = kem::mceliece460896;
  std::filesystem::create_directories(dir);
  auto complete = [&](int i) {
    auto base = (dir / ("k" + std::to_string(i))).string();
    return std::filesystem::exists(base + ".pk") && std::filesystem::exists(base + ".sk");
  };
  std::vector<int> missing;
  for (int i = 0; i < count; ++i) {
    if (!complete(i)) missing.push_back(i);
  }
  if (missing.empty()) return;
  std::atomic<std::size_t> next{0};
  auto work = [&](unsigned worker) {
    auto pk = std::make_unique<mce::PublicKey>();
    for (std::size_t k; (k = next.fetch_add(1)) < missing.size();) {
      auto base = (dir / ("k" + std::to_string(missing[k]))).string();
      mce::SecretKey sk;
      mce::keypair(*pk, sk, crypto::system_random());
      if (write_file_atomically(base + ".sk", sk.reveal(), worker)) {
        write_file_atomically(base + ".pk", *pk, worker);
      }
    }
  };
  const unsigned workers =
      std::clamp<unsigned>(std::thread::hardware_concurrency(), 1, unsigned(missing.size()));
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
}

}  // namespace rosenpass::bench
