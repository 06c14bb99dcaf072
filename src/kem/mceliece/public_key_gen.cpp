#include "public_key_gen.h"

#include <array>
#include <cassert>
#include <cstring>

#include "cpu_dispatch.h"
#include "ct_sort.h"
#include "goppa.h"
#include "rejection.h"

namespace rosenpass::kem::mceliece460896::detail {

std::optional<ZeroingVector<uint16_t>> field_ordering(std::span<const uint8_t> random) {
  assert(random.size() == 4 * std::size_t{kFieldSize});
  ZeroingVector<uint64_t> keyed(kFieldSize);
  for (int i = 0; i < kFieldSize; ++i) {
    const uint8_t* p = random.data() + 4 * i;
    const uint64_t a =
        uint64_t{p[0]} | (uint64_t{p[1]} << 8) | (uint64_t{p[2]} << 16) | (uint64_t{p[3]} << 24);
    keyed[i] = (a << 31) | static_cast<uint64_t>(i);
  }
  ct_sort(std::span<uint64_t>(keyed));
  uint64_t duplicate = 0;
  for (int i = 1; i < kFieldSize; ++i) {
    const uint64_t diff = (keyed[i - 1] >> 31) ^ (keyed[i] >> 31);
    duplicate |= ((diff | (0 - diff)) >> 63) ^ 1;  // 1 iff diff == 0
  }
  if (rejected(duplicate)) return std::nullopt;  // all 8192 values are discarded
  ZeroingVector<uint16_t> pi(kFieldSize);
  for (int i = 0; i < kFieldSize; ++i) pi[i] = static_cast<uint16_t>(keyed[i] & kGfMask);
  return pi;
}

RP_MCE_CLONES bool systematic_public_key(std::span<uint8_t> pk, const std::array<Gf, kT>& g,
                                         std::span<const uint16_t> pi) {
  constexpr int kWords = kN / 64;  // 72 words per row
  ZeroingVector<uint64_t> mat(std::size_t{kRows} * kWords, 0);
  auto row = [&](int r) { return mat.data() + std::size_t(r) * kWords; };

  // Row i*13+k, column j: bit k of alpha_j^i / g(alpha_j).
  ZeroingVector<Gf> alpha(kN), h(kN);
  for (int j = 0; j < kN; ++j) {
    alpha[j] = bitrev13(pi[j]);
    h[j] = gf_inv(goppa_eval(g, alpha[j]));
  }
  for (int i = 0; i < kT; ++i) {
    for (int j = 0; j < kN; ++j) {
      const uint64_t v = h[j];
      for (int k = 0; k < kM; ++k) row(i * kM + k)[j / 64] |= ((v >> k) & 1) << (j % 64);
      h[j] = gf_mul(h[j], alpha[j]);
    }
  }

  // Reduced row echelon form; it is unique, so any elimination order gives the same T.
  // The pivot row is kept in a local copy so the row updates vectorise (no aliasing), and
  // only the 4-word blocks from the pivot's block on are touched.
  alignas(32) std::array<uint64_t, kWords> pivot;
  uint64_t failed = 0;
  for (int r = 0; r < kRows; ++r) {
    const int w = r / 64;
    const int b = r % 64;
    const int from = w & ~3;
    std::copy(row(r) + from, row(r) + kWords, pivot.begin() + from);
    for (int k = r + 1; k < kRows; ++k) {
      const uint64_t* other = row(k);
      const uint64_t take = (0 - (((pivot[w] >> b) & 1) ^ 1)) & (0 - ((other[w] >> b) & 1));
      for (int c = from; c < kWords; ++c) pivot[c] ^= other[c] & take;
    }
    failed |= ((pivot[w] >> b) & 1) ^ 1;
    if (rejected(failed)) return false;  // the whole key is discarded
    std::copy(pivot.begin() + from, pivot.end(), row(r) + from);
    for (int k = 0; k < kRows; ++k) {
      if (k == r) continue;
      uint64_t* other = row(k);
      const uint64_t take = 0 - ((other[w] >> b) & 1);
      for (int c = from; c < kWords; ++c) other[c] ^= pivot[c] & take;
    }
  }

  for (int r = 0; r < kRows; ++r) {
    const uint64_t* src = row(r);
    uint8_t* dst = pk.data() + std::size_t(r) * kRowBytes;
    for (std::size_t byte = 0; byte < kRowBytes; ++byte) {
      const std::size_t at = kSyndromeBytes + byte;  // skip the identity block
      dst[byte] = static_cast<uint8_t>(src[at / 8] >> (8 * (at % 8)));
    }
  }
  return true;
}

}  // namespace rosenpass::kem::mceliece460896::detail
