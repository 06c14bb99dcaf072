// Key pairs: generate, load (`rosenpass gen-keys` files or an `rp genkey` directory), save.
#include <sys/stat.h>

#include <cstring>
#include <string>

#include "capi_internal.h"
#include "rosenpass/crypto/random.h"
#include "rosenpass/daemon/key_files.h"

namespace rosenpass::capi {

Registry<KeyPair>& keypairs() {
  static Registry<KeyPair> r;
  return r;
}

namespace {

namespace mce = kem::mceliece460896;

int publish(std::shared_ptr<KeyPair> kp, rosenpass_keypair* out) {
  out->id = keypairs().add(std::move(kp));
  return succeed();
}

int load(const std::string& sk_path, const std::string& pk_path, rosenpass_keypair* out) {
  auto sk = daemon::load_secret_key(sk_path);
  if (!sk) return fail(ROSENPASS_E_KEY_FILE, sk.error().chain());
  auto pk = daemon::load_public_key(pk_path);
  if (!pk) return fail(ROSENPASS_E_KEY_FILE, pk.error().chain());
  auto kp = std::make_shared<KeyPair>();
  kp->public_key = std::move(*pk);
  kp->secret_key = std::move(sk->key);
  return publish(std::move(kp), out);
}

}  // namespace
}  // namespace rosenpass::capi

using rosenpass::capi::fail;
using rosenpass::capi::guarded;
using rosenpass::capi::keypairs;
using rosenpass::capi::succeed;

extern "C" {

int rosenpass_keypair_generate(rosenpass_keypair* out) {
  return guarded([&] {
    if (!out) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_keypair_generate: `out` is NULL");
    out->id = 0;
    auto pk = std::make_shared<rosenpass::kem::mceliece460896::PublicKey>();
    auto kp = std::make_shared<rosenpass::capi::KeyPair>();
    rosenpass::kem::mceliece460896::keypair(*pk, kp->secret_key,
                                            rosenpass::crypto::system_random());
    kp->public_key = std::move(pk);
    return rosenpass::capi::publish(std::move(kp), out);
  });
}

int rosenpass_keypair_load(const char* secret_key_path, const char* public_key_path,
                           rosenpass_keypair* out) {
  return guarded([&] {
    if (!out || !secret_key_path || !public_key_path) {
      return fail(ROSENPASS_E_ARGUMENT, "rosenpass_keypair_load: a path or `out` is NULL");
    }
    out->id = 0;
    return rosenpass::capi::load(secret_key_path, public_key_path, out);
  });
}

int rosenpass_keypair_load_dir(const char* dir, rosenpass_keypair* out) {
  return guarded([&] {
    if (!out || !dir) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_keypair_load_dir: NULL argument");
    out->id = 0;
    std::string d(dir);
    return rosenpass::capi::load(d + "/pqsk", d + "/pqpk", out);
  });
}

int rosenpass_keypair_save(rosenpass_keypair kp, const char* secret_key_path,
                           const char* public_key_path) {
  return guarded([&] {
    if (!secret_key_path || !public_key_path) {
      return fail(ROSENPASS_E_ARGUMENT, "rosenpass_keypair_save: a path is NULL");
    }
    auto k = keypairs().find(kp.id);
    if (!k) return fail(ROSENPASS_E_HANDLE, "rosenpass_keypair_save: invalid key pair handle");
    // The secret key first: a crash in between leaves no public key without its secret.
    auto st = rosenpass::daemon::write_file_atomic(secret_key_path, k->secret_key.reveal(), 0600);
    if (!st) return fail(ROSENPASS_E_IO, st.error().chain());
    st = rosenpass::daemon::write_file_atomic(public_key_path, *k->public_key, 0644);
    if (!st) return fail(ROSENPASS_E_IO, st.error().chain());
    return succeed();
  });
}

int rosenpass_keypair_public_key(rosenpass_keypair kp, uint8_t* out, size_t out_len) {
  return guarded([&] {
    if (!out) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_keypair_public_key: `out` is NULL");
    if (out_len != ROSENPASS_PUBLIC_KEY_SIZE) {
      return fail(ROSENPASS_E_SIZE, "rosenpass_keypair_public_key: `out_len` is " +
                                        std::to_string(out_len) + ", must be " +
                                        std::to_string(ROSENPASS_PUBLIC_KEY_SIZE));
    }
    auto k = keypairs().find(kp.id);
    if (!k) return fail(ROSENPASS_E_HANDLE, "rosenpass_keypair_public_key: invalid handle");
    std::memcpy(out, k->public_key->data(), ROSENPASS_PUBLIC_KEY_SIZE);
    return succeed();
  });
}

int rosenpass_keypair_destroy(rosenpass_keypair kp) {
  return guarded([&] {
    if (!keypairs().remove(kp.id)) {
      return fail(ROSENPASS_E_HANDLE, "rosenpass_keypair_destroy: invalid or destroyed handle");
    }
    return succeed();
  });
}

}  // extern "C"
