// The textbook decoder, one field element at a time: slow, but short enough to check by
// eye. It is the reference the fast decoder is tested against.
#include <algorithm>
#include <array>
#include <memory>

#include "control_bits.h"
#include "decode.h"
#include "gf.h"
#include "goppa.h"
#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::kem::mceliece460896::detail {
namespace {

using Syndrome = std::array<Gf, 2 * kT>;

// s_j = sum_i r_i alpha_i^j / g(alpha_i)^2 for j < 2t, over the first `count` positions.
void syndrome(Syndrome& s, std::span<const uint8_t> r, std::span<const Gf> weight,
              std::span<const Gf> support, int count) {
  s.fill(0);
  for (int i = 0; i < count; ++i) {
    const Gf bit = static_cast<Gf>(0u - ((r[i / 8] >> (i % 8)) & 1u));
    Gf v = weight[i] & bit;
    const Gf a = support[i];
    for (int j = 0; j < 2 * kT; ++j) {
      s[j] ^= v;
      v = gf_mul(v, a);
    }
  }
}

Gf eval(const std::array<Gf, kT + 1>& p, Gf x) {
  Gf r = p[kT];
  for (int i = kT - 1; i >= 0; --i) r = gf_mul(r, x) ^ p[i];
  return r;
}

struct Workspace {
  std::array<Gf, kN> support;
  std::array<Gf, kN> weight;
  Syndrome s, s_check;
};

}  // namespace

uint8_t decode_reference(std::span<uint8_t, kErrorBytes> e,
                         std::span<const uint8_t, kSyndromeBytes> c0,
                         std::span<const uint8_t, kGoppaBytes> goppa,
                         std::span<const uint8_t, kControlBytes> control) {
  auto ws = std::make_unique<Workspace>();
  std::array<Gf, kT> g;
  for (int i = 0; i < kT; ++i) g[i] = load_gf(goppa.data() + 2 * i);
  support_from_control_bits(ws->support, control);
  for (int i = 0; i < kN; ++i) ws->weight[i] = gf_inv(gf_sq(goppa_eval(g, ws->support[i])));

  syndrome(ws->s, c0, ws->weight, ws->support, kRows);
  const auto locator = error_locator(ws->s);

  std::fill(e.begin(), e.end(), uint8_t{0});
  uint32_t w = 0;
  for (int i = 0; i < kN; ++i) {
    const uint32_t root = gf_is_zero_mask(eval(locator, ws->support[i])) & 1u;
    e[i / 8] |= static_cast<uint8_t>(root << (i % 8));
    w += root;
  }
  syndrome(ws->s_check, e, ws->weight, ws->support, kN);

  uint32_t check = w ^ kT;
  for (int j = 0; j < 2 * kT; ++j) check |= ws->s[j] ^ ws->s_check[j];
  // check == 0 iff decoding succeeded
  const uint8_t ok = static_cast<uint8_t>(0u - ((check - 1) >> 31));
  crypto::secure_zero(ws.get(), sizeof(Workspace));
  crypto::wipe(g);
  return ok;
}

}  // namespace rosenpass::kem::mceliece460896::detail
