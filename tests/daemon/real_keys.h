// Real McEliece key pairs for tests whose configs must pass the key-pair check (a public key
// that belongs to its secret key). Generated once per test program: key generation is slow.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "daemon_test_util.h"
#include "rosenpass/crypto/random.h"
#include "rosenpass/kem/mceliece460896.h"

namespace rosenpass::test {

struct KeyPairBytes {
  std::string pk, sk;
};

// Key pair number `i` (0, 1, ...), the same bytes for the whole run.
inline const KeyPairBytes& real_keypair(int i) {
  static std::map<int, KeyPairBytes> cache;
  auto it = cache.find(i);
  if (it != cache.end()) return it->second;
  namespace mce = kem::mceliece460896;
  auto pk = std::make_unique<mce::PublicKey>();
  mce::SecretKey sk;
  mce::keypair(*pk, sk, crypto::system_random());
  auto s = sk.reveal();
  KeyPairBytes b{std::string(pk->begin(), pk->end()), std::string(s.begin(), s.end())};
  return cache.emplace(i, std::move(b)).first->second;
}

// Writes key pair `i` to `pk_path` and `sk_path`.
inline void write_real_keypair(int i, const std::string& pk_path, const std::string& sk_path) {
  const auto& k = real_keypair(i);
  write_text(pk_path, k.pk);
  write_text(sk_path, k.sk);
  ::chmod(sk_path.c_str(), 0600);
}

}  // namespace rosenpass::test
