#include "indcpa.h"

#include <array>

#include "poly.h"
#include "rosenpass/crypto/keccak.h"
#include "wipe.h"

namespace rosenpass::kem::kyber512::detail {
namespace {

using Matrix = std::array<PolyVec, kK>;

// A_hat[i][j] = Parse(XOF(rho, j, i)); the transpose swaps the two index bytes.
void generate_matrix(Matrix& a, std::span<const uint8_t, kSymBytes> rho, bool transposed) {
  for (std::size_t i = 0; i < kK; ++i) {
    for (std::size_t j = 0; j < kK; ++j) {
      const auto row = static_cast<uint8_t>(i), column = static_cast<uint8_t>(j);
      if (transposed) {
        sample_uniform(a[i][j], rho, row, column);
      } else {
        sample_uniform(a[i][j], rho, column, row);
      }
    }
  }
}

}  // namespace

void cpa_keypair(std::span<uint8_t, kCpaPublicKeyBytes> pk,
                 std::span<uint8_t, kCpaSecretKeyBytes> sk, std::span<const uint8_t, kSymBytes> d) {
  // (rho, sigma) = G(d): round 3 hashes d alone (ML-KEM appends k).
  std::array<uint8_t, 2 * kSymBytes> rho_sigma = crypto::sha3_512(d);
  WipeOnExit wipe_seeds(rho_sigma);
  const auto rho = std::span<const uint8_t, kSymBytes>(rho_sigma.data(), kSymBytes);
  const auto sigma = std::span<const uint8_t, kSymBytes>(rho_sigma.data() + kSymBytes, kSymBytes);
  declassify(rho.data(), rho.size());

  Matrix a;
  generate_matrix(a, rho, false);

  PolyVec s, e;
  WipeOnExit wipe_s(s), wipe_e(e);
  uint8_t nonce = 0;
  for (Poly& p : s) sample_noise_eta1(p, sigma, nonce++);
  for (Poly& p : e) sample_noise_eta1(p, sigma, nonce++);
  for (Poly& p : s) ntt(p);
  for (Poly& p : e) ntt(p);

  // t_hat = A_hat s_hat + e_hat
  for (std::size_t i = 0; i < kK; ++i) {
    Poly t;
    basemul_accumulate(t, a[i], s);
    to_montgomery_domain(t);
    add(t, e[i]);
    normalize(t);
    encode12(pk.subspan(i * kPolyBytes).first<kPolyBytes>(), t);
  }
  std::copy(rho.begin(), rho.end(), pk.begin() + kPolyVecBytes);

  for (std::size_t i = 0; i < kK; ++i) {
    normalize(s[i]);
    encode12(sk.subspan(i * kPolyBytes).first<kPolyBytes>(), s[i]);
  }
}

void cpa_encrypt(std::span<uint8_t, kCpaCiphertextBytes> ct,
                 std::span<const uint8_t, kCpaPublicKeyBytes> pk,
                 std::span<const uint8_t, kSymBytes> message,
                 std::span<const uint8_t, kSymBytes> coins) {
  PolyVec t_hat;
  for (std::size_t i = 0; i < kK; ++i) {
    decode12(t_hat[i], pk.subspan(i * kPolyBytes).first<kPolyBytes>());
  }
  const auto rho = pk.subspan<kPolyVecBytes, kSymBytes>();
  // rho is public, but in decapsulation it comes out of the secret key's copy of pk.
  declassify(rho.data(), rho.size());
  Matrix a_transposed;
  generate_matrix(a_transposed, rho, true);

  PolyVec r, e1, u;
  Poly e2, v, m;
  WipeOnExit wipe_r(r), wipe_e1(e1), wipe_u(u), wipe_e2(e2), wipe_v(v), wipe_m(m);
  uint8_t nonce = 0;
  for (Poly& p : r) sample_noise_eta1(p, coins, nonce++);
  for (Poly& p : e1) sample_noise_eta2(p, coins, nonce++);
  sample_noise_eta2(e2, coins, nonce++);
  for (Poly& p : r) ntt(p);

  // u = NTT^-1(A_hat^T r_hat) + e1
  for (std::size_t i = 0; i < kK; ++i) {
    basemul_accumulate(u[i], a_transposed[i], r);
    inverse_ntt(u[i]);
    add(u[i], e1[i]);
    normalize(u[i]);
  }
  // v = NTT^-1(t_hat^T r_hat) + e2 + Decompress_q(m, 1)
  basemul_accumulate(v, t_hat, r);
  inverse_ntt(v);
  from_message(m, message);
  add(v, e2);
  add(v, m);
  normalize(v);

  compress_du(ct.first<kPolyVecCompressedBytes>(), u);
  compress_dv(ct.subspan<kPolyVecCompressedBytes, kPolyCompressedBytes>(), v);
}

void cpa_decrypt(std::span<uint8_t, kSymBytes> message,
                 std::span<const uint8_t, kCpaCiphertextBytes> ct,
                 std::span<const uint8_t, kCpaSecretKeyBytes> sk) {
  PolyVec u, s_hat;
  Poly v, w;
  WipeOnExit wipe_u(u), wipe_s(s_hat), wipe_v(v), wipe_w(w);
  decompress_du(u, ct.first<kPolyVecCompressedBytes>());
  decompress_dv(v, ct.subspan<kPolyVecCompressedBytes, kPolyCompressedBytes>());
  for (std::size_t i = 0; i < kK; ++i) {
    decode12(s_hat[i], sk.subspan(i * kPolyBytes).first<kPolyBytes>());
  }
  for (Poly& p : u) ntt(p);

  // m = Compress_q(v - NTT^-1(s_hat^T NTT(u)), 1)
  basemul_accumulate(w, s_hat, u);
  inverse_ntt(w);
  subtract_from(w, v);
  normalize(w);
  to_message(message, w);
}

}  // namespace rosenpass::kem::kyber512::detail
