// Classic McEliece 460896: seeded key generation, the two encapsulation variants, and the
// secret-key layouts.
#include "rosenpass/kem/mceliece460896.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "control_bits.h"
#include "decode.h"
#include "encode.h"
#include "goppa.h"
#include "params.h"
#include "public_key_gen.h"
#include "rosenpass/crypto/keccak.h"
#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::kem::mceliece460896 {

using namespace detail;

namespace {

// Bytes of the SHAKE256 expansion of delta: s (576), 8192 field-ordering values (32,768),
// 96 field-element coefficients (192), and the next delta (32), in that order.
constexpr std::size_t kExpansionBytes = kErrorBytes + 4 * kFieldSize + kGoppaBytes + 32;
constexpr std::size_t kOrderingOffset = kErrorBytes;
constexpr std::size_t kBetaOffset = kOrderingOffset + 4 * kFieldSize;
constexpr std::size_t kNextDeltaOffset = kBetaOffset + kGoppaBytes;

// A heap buffer that is erased when it goes away.
struct SecretBuffer {
  explicit SecretBuffer(std::size_t n) : bytes(n) {}
  ~SecretBuffer() { crypto::wipe(bytes); }
  std::vector<uint8_t> bytes;
};

// H(prefix || parts...) = SHAKE256 truncated to 32 bytes.
template <typename... Parts>
void hash32(std::span<uint8_t, kSharedKeySize> out, uint8_t prefix, Parts... parts) {
  crypto::Shake256 h;
  h.absorb(std::span<const uint8_t>(&prefix, 1));
  (h.absorb(parts), ...);
  h.squeeze(out);
}

std::span<const uint8_t, kControlBytes> control_of(const SecretKey& sk) {
  return sk.reveal().subspan<kSkControl, kControlBytes>();
}

// The session key of a decapsulation: H(1 || e || ct) if `ok`, else H(0 || s || ct), chosen
// with masks so the choice leaves no trace in timing.
void session_key(SharedKey& ss, uint8_t ok, std::span<const uint8_t, kErrorBytes> e,
                 const SecretKey& sk, std::span<const uint8_t> ct) {
  const auto s = sk.reveal().subspan<kSkReject, kErrorBytes>();
  crypto::Secret<kErrorBytes> chosen;
  auto c = chosen.reveal_mut();
  for (std::size_t i = 0; i < kErrorBytes; ++i)
    c[i] = static_cast<uint8_t>((e[i] & ok) | (s[i] & static_cast<uint8_t>(~ok)));
  hash32(ss.reveal_mut(), static_cast<uint8_t>(ok & 1), std::span<const uint8_t>(c), ct);
}

}  // namespace

void keypair_from_seed(PublicKey& pk, SecretKey& sk, std::span<const uint8_t, 32> delta) {
  SecretBuffer seed(33), expansion(kExpansionBytes);
  seed.bytes[0] = 64;
  std::copy(delta.begin(), delta.end(), seed.bytes.begin() + 1);
  auto out = sk.reveal_mut();
  for (;;) {
    crypto::shake256(expansion.bytes, seed.bytes);
    const std::span<const uint8_t> r(expansion.bytes);
    std::copy_n(seed.bytes.begin() + 1, 32, out.begin() + kSkDelta);
    std::copy_n(r.begin() + kNextDeltaOffset, 32, seed.bytes.begin() + 1);

    std::array<Gf, kT> beta;
    for (int i = 0; i < kT; ++i) beta[i] = load_gf(r.data() + kBetaOffset + 2 * i);
    auto g = goppa_from_field_element(beta);
    crypto::wipe(beta);
    if (!g) continue;

    auto pi = field_ordering(r.subspan(kOrderingOffset, 4 * kFieldSize));
    if (!pi) continue;
    if (!systematic_public_key(pk, *g, *pi)) continue;

    for (int i = 0; i < kT; ++i) store_gf(out.data() + kSkGoppa + 2 * i, (*g)[i]);
    control_bits_from_permutation(out.subspan<kSkControl, kControlBytes>(),
                                  std::span<const uint16_t, kFieldSize>(pi->data(), kFieldSize));
    std::copy_n(r.begin(), kErrorBytes, out.begin() + kSkReject);
    // Non-"f" variant: the pivot field is the fixed 64-bit value 0xffffffff.
    const uint8_t pivots[8] = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
    std::copy_n(pivots, 8, out.begin() + kSkPivots);
    crypto::secure_zero(g->data(), sizeof(*g));
    crypto::secure_zero(pi->data(), pi->size() * sizeof(uint16_t));
    return;
  }
}

void keypair(PublicKey& pk, SecretKey& sk, crypto::RandomSource& rng) {
  crypto::Secret<32> delta;
  rng.fill(delta.reveal_mut());
  keypair_from_seed(pk, sk, delta.reveal());
}

namespace {

// e and C0 for a fresh error vector.
void encrypt(crypto::Secret<kErrorBytes>& e, std::span<uint8_t, kSyndromeBytes> c0,
             PublicKeyView pk, crypto::RandomSource& rng) {
  fixed_weight(e.reveal_mut(), rng);
  encode(c0, pk, e.reveal());
}

}  // namespace

void encaps(Ciphertext& ct, SharedKey& ss, PublicKeyView pk, crypto::RandomSource& rng) {
  crypto::Secret<kErrorBytes> e;
  encrypt(e, ct, pk, rng);
  hash32(ss.reveal_mut(), 1, std::span<const uint8_t>(e.reveal()), std::span<const uint8_t>(ct));
}

void decaps(SharedKey& ss, std::span<const uint8_t, kCiphertextSize> ct, const SecretKey& sk) {
  crypto::Secret<kErrorBytes> e;
  const auto key = sk.reveal();
  const uint8_t ok =
      decode(e.reveal_mut(), ct, key.subspan<kSkGoppa, kGoppaBytes>(), control_of(sk));
  session_key(ss, ok, e.reveal(), sk, ct);
}

void encaps_confirmed(ConfirmedCiphertext& ct, SharedKey& ss, PublicKeyView pk,
                      crypto::RandomSource& rng) {
  crypto::Secret<kErrorBytes> e;
  encrypt(e, std::span<uint8_t, kSyndromeBytes>(ct.data(), kSyndromeBytes), pk, rng);
  hash32(std::span<uint8_t, 32>(ct.data() + kSyndromeBytes, 32), 2,
         std::span<const uint8_t>(e.reveal()));
  hash32(ss.reveal_mut(), 1, std::span<const uint8_t>(e.reveal()), std::span<const uint8_t>(ct));
}

void decaps_confirmed(SharedKey& ss, std::span<const uint8_t, kConfirmedCiphertextSize> ct,
                      const SecretKey& sk) {
  crypto::Secret<kErrorBytes> e;
  const auto key = sk.reveal();
  uint8_t ok = decode(e.reveal_mut(), ct.first<kSyndromeBytes>(),
                      key.subspan<kSkGoppa, kGoppaBytes>(), control_of(sk));
  crypto::Secret<32> confirm;
  hash32(confirm.reveal_mut(), 2, std::span<const uint8_t>(e.reveal()));
  // Accumulate the difference with masks: ct_equal's boolean would be a branch target.
  uint32_t diff = 0;
  for (std::size_t i = 0; i < 32; ++i) diff |= confirm.reveal()[i] ^ ct[kSyndromeBytes + i];
  ok &= static_cast<uint8_t>(0u - ((diff - 1) >> 31));
  session_key(ss, ok, e.reveal(), sk, ct);
}

std::optional<SecretKey> secret_key_from_bytes(std::span<const uint8_t> bytes) {
  if (bytes.size() == kSecretKeySize) {
    return SecretKey::from(bytes.first<kSecretKeySize>());
  }
  if (bytes.size() == kLegacySecretKeySize) {
    // s || g || alpha  ->  delta = 0 || pivots || g || alpha || s
    SecretKey sk;
    auto out = sk.reveal_mut();
    const uint8_t pivots[8] = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
    std::copy_n(pivots, 8, out.begin() + kSkPivots);
    std::copy_n(bytes.begin() + kErrorBytes, kGoppaBytes + kControlBytes, out.begin() + kSkGoppa);
    std::copy_n(bytes.begin(), kErrorBytes, out.begin() + kSkReject);
    return sk;
  }
  return std::nullopt;
}

crypto::Secret<kLegacySecretKeySize> to_legacy_layout(const SecretKey& sk) {
  crypto::Secret<kLegacySecretKeySize> legacy;
  auto out = legacy.reveal_mut();
  const auto in = sk.reveal();
  std::copy_n(in.begin() + kSkReject, kErrorBytes, out.begin());
  std::copy_n(in.begin() + kSkGoppa, kGoppaBytes + kControlBytes, out.begin() + kErrorBytes);
  return legacy;
}

}  // namespace rosenpass::kem::mceliece460896
