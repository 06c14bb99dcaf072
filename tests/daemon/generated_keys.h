// The test fixture for tests that run the real `rosenpass`: keypairs "a" and "b" generated
// once per test suite with `rosenpass gen-keys` (McEliece key generation is slow), a scratch
// directory per test, and the peer ids the daemon prints. Shared by tests/daemon and tests/api.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "process_util.h"
#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/hash_domains.h"
#include "rosenpass/crypto/keyed_hash.h"

namespace rosenpass::test {

class GeneratedKeys : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new ScratchDir;
    for (const char* name : {"a", "b"}) {
      auto r = run_rosenpass_bin(*keys_,
                                 {"gen-keys", "-p", *keys_ / (std::string(name) + ".pk"), "-s",
                                  *keys_ / (std::string(name) + ".sk")},
                                 std::chrono::seconds(300));
      if (r.code != 0) setup_error_ = "gen-keys failed: " + r.err;
    }
  }
  // A fatal failure inside SetUpTestSuite makes GoogleTest report the tests as skipped, which
  // would hide a broken gen-keys; failing each test here reports it as the failure it is.
  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }
  static void TearDownTestSuite() {
    delete keys_;
    keys_ = nullptr;
  }
  // The path of a generated key file: "a.pk", "a.sk", "b.pk", "b.sk".
  static std::string key(const std::string& name) { return *keys_ / name; }

  // The peer id printed for a peer: base64 of lhash("peer id", pk) under `hash`.
  static std::string peer_id(const std::string& pk_file,
                             crypto::HashChoice hash = crypto::HashChoice::kBlake2b) {
    std::string pk = read_text(key(pk_file));
    auto id = crypto::keyed_hash(hash, crypto::hash_domains(hash).peer_id,
                                 std::span(reinterpret_cast<const uint8_t*>(pk.data()), pk.size()));
    return crypto::base64_encode(id);
  }

  ScratchDir dir_;  // this test's own directory
  static inline ScratchDir* keys_ = nullptr;
  static inline std::string setup_error_;
};

}  // namespace rosenpass::test
