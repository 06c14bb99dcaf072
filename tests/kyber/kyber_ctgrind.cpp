// The ctgrind check: runs Kyber512 with the secret key and every random input marked
// undefined for valgrind memcheck. Memcheck then reports any conditional jump or memory
// address that depends on them, i.e. a secret-dependent branch or table index.
// Run as: valgrind --error-exitcode=1 --track-origins=yes kyber_ctgrind
#include <valgrind/memcheck.h>

#include <cstdio>

#include "rosenpass/crypto/random.h"
#include "rosenpass/kem/kyber512.h"

namespace {

using namespace rosenpass;
using namespace rosenpass::kem::kyber512;

// System randomness that valgrind treats as secret (undefined).
class SecretRandom final : public crypto::RandomSource {
 public:
  void fill(std::span<uint8_t> out) override {
    crypto::system_random().fill(out);
    VALGRIND_MAKE_MEM_UNDEFINED(out.data(), out.size());
  }
};

template <class T>
void make_public(const T& bytes) {
  VALGRIND_MAKE_MEM_DEFINED(bytes.data(), bytes.size());
}

bool run_once(int round) {
  SecretRandom rng;
  PublicKey pk;
  SecretKey sk;
  keypair(pk, sk, rng);
  // The public key is published; the secret key stays secret (undefined) throughout.
  make_public(pk);
  VALGRIND_MAKE_MEM_UNDEFINED(sk.reveal().data(), sk.reveal().size());

  Ciphertext ct;
  SharedKey sent;
  encaps(ct, sent, pk, rng);
  make_public(ct);

  SharedKey received;
  decaps(received, ct, sk);

  // The implicit-rejection path: a ciphertext that does not re-encrypt to itself.
  Ciphertext bad = ct;
  bad[static_cast<std::size_t>(round) % bad.size()] ^= 1;
  SharedKey rejected;
  decaps(rejected, bad, sk);

  // Outputs become public before they are compared.
  make_public(sent.reveal());
  make_public(received.reveal());
  make_public(rejected.reveal());
  if (!sent.equals(received)) {
    std::fprintf(stderr, "round %d: decapsulation does not give the encapsulated key\n", round);
    return false;
  }
  if (sent.equals(rejected)) {
    std::fprintf(stderr, "round %d: a modified ciphertext gave the real key\n", round);
    return false;
  }
  return true;
}

}  // namespace

int main() {
  for (int round = 0; round < 4; ++round) {
    if (!run_once(round)) return 1;
  }
  std::puts("kyber_ctgrind: keypair, encaps, decaps ran with secret inputs marked undefined");
  return 0;
}
