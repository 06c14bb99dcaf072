// Secret<N>: a fixed-size secret value in locked, zeroed-on-free memory.
//
// It cannot be copied by accident, printed, or compared with ==; reading it is the explicit
// call reveal(). A moved-from Secret holds no storage and reveals as all zeros.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <utility>

#include "rosenpass/crypto/constant_time.h"
#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::crypto {

class RandomSource;

template <std::size_t N>
class Secret {
 public:
  static constexpr std::size_t kSize = N;

  // All zero.
  Secret() : bytes_(static_cast<uint8_t*>(secure_alloc(N))) {}
  ~Secret() { release(); }

  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept : bytes_(std::exchange(other.bytes_, nullptr)) {}
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      release();
      bytes_ = std::exchange(other.bytes_, nullptr);
    }
    return *this;
  }

  // A copy of `bytes` (the caller erases its own copy).
  static Secret from(std::span<const uint8_t, N> bytes) {
    Secret s;
    std::memcpy(s.bytes_, bytes.data(), N);
    return s;
  }
  // Fresh random bytes from `rng`.
  static Secret random(RandomSource& rng);

  // An explicit duplicate; secrets are never copied implicitly.
  Secret clone() const { return from(reveal()); }

  std::span<const uint8_t, N> reveal() const { return std::span<const uint8_t, N>(data(), N); }
  std::span<uint8_t, N> reveal_mut() {
    ensure();
    return std::span<uint8_t, N>(bytes_, N);
  }

  // Constant-time equality.
  bool equals(const Secret& other) const { return ct_equal(reveal(), other.reveal()); }

  // Sets every byte to zero without releasing storage.
  void clear() noexcept {
    if (bytes_) secure_zero(bytes_, N);
  }

 private:
  const uint8_t* data() const {
    static constexpr std::array<uint8_t, N> kZero{};
    return bytes_ ? bytes_ : kZero.data();
  }
  void ensure() {
    if (!bytes_) bytes_ = static_cast<uint8_t*>(secure_alloc(N));
  }
  void release() noexcept {
    if (bytes_) secure_free(bytes_, N);
    bytes_ = nullptr;
  }

  uint8_t* bytes_;
};

}  // namespace rosenpass::crypto
