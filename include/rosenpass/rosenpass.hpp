// C++ convenience over the C API (rosenpass.h): owning handles and exceptions. Header-only:
// it adds no symbols to librosenpass, so the library's ABI stays the C ABI.
//
//   auto kp = rosenpass::KeyPair::load_dir("/etc/rp/keys");
//   rosenpass::Server srv(kp, {"[::]:9999"});
//   auto peer = srv.add_peer(rosenpass::PeerOptions{}.public_key_file("peer/pqpk"));
//   srv.on_key([](const rosenpass_key_event& e) { /* install e.key */ });
//   srv.start();
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "rosenpass/rosenpass.h"

namespace rosenpass {

// A failed C call: the status code and the library's detailed message.
class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

inline void check(int rc) {
  if (rc != ROSENPASS_OK) {
    throw Error(rc, std::string(rosenpass_strerror(rc)) + ": " + rosenpass_last_error());
  }
}

class KeyPair {
 public:
  static KeyPair generate() { return make([](rosenpass_keypair* k) { return rosenpass_keypair_generate(k); }); }
  static KeyPair load(const std::string& sk, const std::string& pk) {
    return make([&](rosenpass_keypair* k) { return rosenpass_keypair_load(sk.c_str(), pk.c_str(), k); });
  }
  static KeyPair load_dir(const std::string& dir) {
    return make([&](rosenpass_keypair* k) { return rosenpass_keypair_load_dir(dir.c_str(), k); });
  }
  KeyPair(KeyPair&& o) noexcept : h_(std::exchange(o.h_, rosenpass_keypair{0})) {}
  KeyPair& operator=(KeyPair&& o) noexcept {
    std::swap(h_, o.h_);
    return *this;
  }
  ~KeyPair() {
    if (h_.id) rosenpass_keypair_destroy(h_);
  }
  void save(const std::string& sk, const std::string& pk) const {
    check(rosenpass_keypair_save(h_, sk.c_str(), pk.c_str()));
  }
  // The 524,160-byte public key.
  std::vector<uint8_t> public_key() const {
    std::vector<uint8_t> out(ROSENPASS_PUBLIC_KEY_SIZE);
    check(rosenpass_keypair_public_key(h_, out.data(), out.size()));
    return out;
  }
  rosenpass_keypair handle() const { return h_; }

 private:
  explicit KeyPair(rosenpass_keypair h) : h_(h) {}
  template <class F>
  static KeyPair make(F&& f) {
    rosenpass_keypair h{0};
    check(f(&h));
    return KeyPair(h);
  }
  rosenpass_keypair h_;
};

// A peer's configuration; the strings and buffers must outlive the add/update call.
class PeerOptions {
 public:
  PeerOptions() { rosenpass_peer_config_init(&c_); }
  PeerOptions& public_key(const std::vector<uint8_t>& pk) {
    c_.public_key = pk.data();
    c_.public_key_len = pk.size();
    return *this;
  }
  PeerOptions& public_key_file(const std::string& path) {
    path_ = path;
    c_.public_key_path = path_.c_str();
    return *this;
  }
  PeerOptions& endpoint(const std::string& ep) {
    endpoint_ = ep;
    c_.endpoint = endpoint_.c_str();
    return *this;
  }
  PeerOptions& protocol(rosenpass_protocol p) {
    c_.protocol = p;
    return *this;
  }
  const rosenpass_peer_config* get() const { return &c_; }

 private:
  rosenpass_peer_config c_;
  std::string path_, endpoint_;
};

class Server {
 public:
  Server(const KeyPair& kp, const std::vector<std::string>& listen) {
    std::vector<const char*> l;
    for (const auto& s : listen) l.push_back(s.c_str());
    check(rosenpass_server_create(kp.handle(), l.data(), l.size(), &h_));
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server() { rosenpass_server_destroy(h_); }

  rosenpass_peer add_peer(const PeerOptions& o) {
    rosenpass_peer p{0};
    check(rosenpass_server_add_peer(h_, o.get(), &p));
    return p;
  }
  void set_endpoint(rosenpass_peer p, const std::string& ep) {
    check(rosenpass_peer_set_endpoint(h_, p, ep.c_str()));
  }
  void remove_peer(rosenpass_peer p) { check(rosenpass_server_remove_peer(h_, p)); }
  rosenpass_peer_status status(rosenpass_peer p) const {
    rosenpass_peer_status st{};
    st.struct_size = sizeof st;
    check(rosenpass_peer_get_status(h_, p, &st));
    return st;
  }
  std::string listen_address(size_t i) const {
    char buf[ROSENPASS_ENDPOINT_MAX];
    check(rosenpass_server_listen_address(h_, i, buf, sizeof buf));
    return buf;
  }
  // Blocks up to timeout_ms for a queued key event; false on timeout.
  bool wait_event(int timeout_ms, rosenpass_key_event& ev) {
    int rc = rosenpass_server_wait_event(h_, timeout_ms, &ev);
    if (rc == ROSENPASS_E_TIMEOUT) return false;
    check(rc);
    return true;
  }
  void start() { check(rosenpass_server_start(h_)); }
  void stop() { check(rosenpass_server_stop(h_)); }
  rosenpass_server handle() const { return h_; }

 private:
  rosenpass_server h_{0};
};

}  // namespace rosenpass
