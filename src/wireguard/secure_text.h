// A growable text buffer for messages that carry secrets (hex keys in UAPI requests and
// replies): every buffer it ever used is zeroed before it is released.
#pragma once

#include <cstring>
#include <string_view>
#include <vector>

#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::wireguard {

class SecureText {
 public:
  explicit SecureText(std::size_t capacity = 4096) { buf_.reserve(capacity); }
  ~SecureText() { wipe(); }
  SecureText(const SecureText&) = delete;
  SecureText& operator=(const SecureText&) = delete;

  void append(std::string_view s) {
    crypto::append_wiping(buf_, std::span<const char>(s.data(), s.size()), 2 * buf_.capacity());
  }
  std::string_view view() const { return {buf_.data(), buf_.size()}; }
  void clear() {
    wipe();
    buf_.clear();
  }

 private:
  void wipe() { crypto::wipe_capacity(buf_); }
  std::vector<char> buf_;
};

}  // namespace rosenpass::wireguard
