// Constant-time check under valgrind memcheck: secret inputs are marked undefined, so any
// branch or memory index that depends on them is reported as a use of undefined memory.
//
//   mceliece_ct_check decaps   decapsulation, both variants (secret key undefined)
//   mceliece_ct_check encaps   encapsulation (the random bytes, hence e, undefined)
//   mceliece_ct_check keygen   seeded key generation (delta undefined)
//   mceliece_ct_check canary   branches on a secret on purpose: proves the check can fail
//
// Run by ctest as `valgrind --error-exitcode=1 --suppressions=ct_check.supp ...`.
#include <valgrind/memcheck.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>

#include "crypto/test_util.h"
#include "rosenpass/kem/mceliece460896.h"

namespace {

namespace mce = rosenpass::kem::mceliece460896;
using rosenpass::test::vector_file;

template <typename T>
void mark_secret(T* p, std::size_t n) {
  VALGRIND_MAKE_MEM_UNDEFINED(p, n);
}
template <typename T>
void declassify(T* p, std::size_t n) {
  VALGRIND_MAKE_MEM_DEFINED(p, n);
}

// Random bytes that memcheck treats as secret.
class SecretRandom final : public rosenpass::crypto::RandomSource {
 public:
  void fill(std::span<uint8_t> out) override {
    rosenpass::crypto::system_random().fill(out);
    mark_secret(out.data(), out.size());
  }
};

std::unique_ptr<mce::PublicKey> load_pk(const char* name) {
  const auto bytes = vector_file(name);
  auto pk = std::make_unique<mce::PublicKey>();
  std::memcpy(pk->data(), bytes.data(), pk->size());
  return pk;
}

int check_decaps() {
  auto sk = mce::secret_key_from_bytes(vector_file("peer_b_sk.bin"));
  if (!sk) return 2;
  const auto pk = load_pk("peer_b_pk.bin");
  auto& rng = rosenpass::crypto::system_random();
  int failures = 0;

  mce::Ciphertext ct;
  mce::SharedKey sent, received;
  mce::encaps(ct, sent, *pk, rng);
  mark_secret(sk->reveal_mut().data(), mce::kSecretKeySize);
  mce::decaps(received, ct, *sk);
  declassify(received.reveal_mut().data(), 32);
  failures += !sent.equals(received);
  ct[5] ^= 1;  // the rejection path must be just as silent
  mce::decaps(received, ct, *sk);
  declassify(received.reveal_mut().data(), 32);
  failures += sent.equals(received);

  mce::ConfirmedCiphertext cct;
  mce::encaps_confirmed(cct, sent, *pk, rng);
  mce::decaps_confirmed(received, cct, *sk);
  declassify(received.reveal_mut().data(), 32);
  failures += !sent.equals(received);
  cct[180] ^= 1;
  mce::decaps_confirmed(received, cct, *sk);
  declassify(received.reveal_mut().data(), 32);
  failures += sent.equals(received);
  return failures;
}

int check_encaps() {
  const auto pk = load_pk("peer_b_pk.bin");
  SecretRandom rng;
  mce::Ciphertext ct;
  mce::ConfirmedCiphertext cct;
  mce::SharedKey ss;
  mce::encaps(ct, ss, *pk, rng);
  mce::encaps_confirmed(cct, ss, *pk, rng);
  return 0;
}

int check_keygen() {
  auto pk = std::make_unique<mce::PublicKey>();
  mce::SecretKey sk;
  std::array<uint8_t, 32> delta{};
  rosenpass::crypto::system_random().fill(delta);
  mark_secret(delta.data(), delta.size());
  mce::keypair_from_seed(*pk, sk, delta);
  return 0;
}

// A deliberate secret-dependent branch; the ctest expects valgrind to report it.
int check_canary() {
  std::array<uint8_t, 1> secret{};
  rosenpass::crypto::system_random().fill(secret);
  mark_secret(secret.data(), secret.size());
  volatile int sink = 0;
  if (secret[0] & 1) sink = sink + 1;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view what = argc == 2 ? argv[1] : "";
  int failures;
  if (what == "decaps") {
    failures = check_decaps();
  } else if (what == "encaps") {
    failures = check_encaps();
  } else if (what == "keygen") {
    failures = check_keygen();
  } else if (what == "canary") {
    failures = check_canary();
  } else {
    std::fprintf(stderr, "usage: mceliece_ct_check decaps|encaps|keygen|canary\n");
    return 2;
  }
  if (failures != 0) std::fprintf(stderr, "mceliece_ct_check %s: %d failures\n", argv[1], failures);
  return failures == 0 ? 0 : 1;
}
