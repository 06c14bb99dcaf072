#include "chaining_key.h"

#include "rosenpass/crypto/aead.h"

namespace rosenpass::protocol {
namespace {
constexpr std::array<uint8_t, crypto::kAeadNonceSize> kZeroNonce{};
thread_local const ChainingKeyTrace* g_trace = nullptr;
}  // namespace

void set_chaining_key_trace(const ChainingKeyTrace* trace) {
  g_trace = trace;
}

ChainingKey::ChainingKey(HashChoice choice, std::span<const uint8_t, 32> start)
    : choice_(choice), ck_(Key32::from(start)) {}

ChainingKey ChainingKey::resume(HashChoice choice, std::span<const uint8_t, 32> ck) {
  ChainingKey k(choice);
  k.ck_ = Key32::from(ck);
  return k;
}

void ChainingKey::mix(std::span<const uint8_t> data) {
  Key32 inner;
  crypto::keyed_hash(choice_, ck_.reveal(), crypto::hash_domains(choice_).mix, inner.reveal_mut());
  crypto::KeyedHash h(choice_, inner.reveal());
  h.update(data);
  h.finish(ck_.reveal_mut());
  if (g_trace) (*g_trace)(ck_.reveal(), data.size());
}

void ChainingKey::encrypt_and_mix(std::span<uint8_t> out, std::span<const uint8_t> plaintext) {
  Key32 k = derive(crypto::hash_domains(choice_).handshake_enc);
  crypto::aead::seal(out, k.reveal(), kZeroNonce, plaintext, {});
  mix(out);
}

bool ChainingKey::decrypt_and_mix(std::span<uint8_t> plaintext,
                                  std::span<const uint8_t> ciphertext) {
  Key32 k = derive(crypto::hash_domains(choice_).handshake_enc);
  if (!crypto::aead::open(plaintext, k.reveal(), kZeroNonce, ciphertext, {})) return false;
  mix(ciphertext);
  return true;
}

Key32 ChainingKey::derive(std::span<const uint8_t, 32> label) const {
  Key32 out;
  crypto::keyed_hash(choice_, ck_.reveal(), label, out.reveal_mut());
  return out;
}

}  // namespace rosenpass::protocol
