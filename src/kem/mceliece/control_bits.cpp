#include "control_bits.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>
#include <vector>

#include "cpu_dispatch.h"
#include "ct_sort.h"
#include "zeroing_vector.h"

namespace rosenpass::kem::mceliece460896::detail {
namespace {

using Perm = ZeroingVector<uint16_t>;

// c o pi^{-1}: the entry of c at position x moves to position pi[x]. Done by sorting
// (pi[x], c[x]) pairs, so no secret value is ever used as an address.
Perm compose_inverse(const Perm& c, const Perm& pi, ZeroingVector<uint32_t>& scratch) {
  const std::size_t n = pi.size();
  scratch.resize(n);
  for (std::size_t x = 0; x < n; ++x) scratch[x] = (uint32_t{pi[x]} << 16) | c[x];
  ct_sort(std::span<uint32_t>(scratch));
  Perm out(n);
  for (std::size_t x = 0; x < n; ++x) out[x] = static_cast<uint16_t>(scratch[x]);
  return out;
}

inline uint16_t ct_min(uint16_t a, uint16_t b) {
  const uint32_t diff = uint32_t{b} - uint32_t{a};  // top bit set iff b < a
  const uint16_t b_smaller = static_cast<uint16_t>(0u - (diff >> 31));
  return static_cast<uint16_t>(a ^ ((a ^ b) & b_smaller));
}

// Emits the bits for `pi` (length 2^w) at positions pos, pos+step, pos+2*step, ...: the
// first layer, then both half-size networks interleaved, then the last layer.
void recurse(std::span<uint8_t> out, std::size_t pos, std::size_t step, const Perm& pi, int w,
             ZeroingVector<uint32_t>& scratch) {
  const std::size_t n = pi.size();
  auto emit = [&](std::size_t at, uint16_t bit) {
    out[at >> 3] |= static_cast<uint8_t>((bit & 1u) << (at & 7));
  };
  if (w == 1) {
    emit(pos, pi[0]);
    return;
  }
  Perm p(n), q(n), identity(n);
  for (std::size_t x = 0; x < n; ++x) {
    p[x] = pi[x ^ 1];
    q[x] = pi[x] ^ 1;
    identity[x] = static_cast<uint16_t>(x);
  }
  const Perm pi_inv = compose_inverse(identity, pi, scratch);
  {
    Perm np = compose_inverse(p, q, scratch);
    q = compose_inverse(q, p, scratch);
    p = std::move(np);
  }
  // c[x] converges to the minimum over x's cycle (under p) of the cycle structure used to
  // 2-colour the first layer.
  Perm c(n);
  for (std::size_t x = 0; x < n; ++x) c[x] = ct_min(static_cast<uint16_t>(x), p[x]);
  {
    Perm np = compose_inverse(p, q, scratch);
    q = compose_inverse(q, p, scratch);
    p = std::move(np);
  }
  for (int i = 1; i < w - 1; ++i) {
    const Perm cp = compose_inverse(c, q, scratch);
    Perm np = compose_inverse(p, q, scratch);
    q = compose_inverse(q, p, scratch);
    p = std::move(np);
    for (std::size_t x = 0; x < n; ++x) c[x] = ct_min(c[x], cp[x]);
  }

  const std::size_t half = n / 2;
  Perm first(n);
  for (std::size_t j = 0; j < half; ++j) {
    const uint16_t f = c[2 * j] & 1;
    emit(pos + j * step, f);
    first[2 * j] = static_cast<uint16_t>((2 * j) ^ f);
    first[2 * j + 1] = static_cast<uint16_t>((2 * j + 1) ^ f);
  }
  const Perm f_pi = compose_inverse(first, pi_inv, scratch);
  Perm last(n);
  const std::size_t last_pos = pos + (std::size_t(2 * w - 1) - 1) * step * half;
  for (std::size_t k = 0; k < half; ++k) {
    const uint16_t l = f_pi[2 * k] & 1;
    emit(last_pos + k * step, l);
    last[2 * k] = static_cast<uint16_t>((2 * k) ^ l);
    last[2 * k + 1] = static_cast<uint16_t>((2 * k + 1) ^ l);
  }
  const Perm middle = compose_inverse(f_pi, last, scratch);
  for (std::size_t e = 0; e < 2; ++e) {
    Perm sub(half);
    for (std::size_t j = 0; j < half; ++j) sub[j] = middle[2 * j + e] >> 1;
    recurse(out, pos + half * step + e * step, 2 * step, sub, w - 1, scratch);
  }
}

}  // namespace

void control_bits_from_permutation(std::span<uint8_t, kControlBytes> out,
                                   std::span<const uint16_t, kFieldSize> pi) {
  std::fill(out.begin(), out.end(), uint8_t{0});
  Perm p(pi.begin(), pi.end());
  ZeroingVector<uint32_t> scratch;
  recurse(out, 0, 1, p, kM, scratch);
}

void apply_benes(std::span<uint16_t, kFieldSize> values,
                 std::span<const uint8_t, kControlBytes> control) {
  constexpr int kLayers = 2 * kM - 1;
  constexpr std::size_t kHalf = kFieldSize / 2;
  for (int layer = 0; layer < kLayers; ++layer) {
    const std::size_t gap = std::size_t{1} << std::min(layer, kLayers - 1 - layer);
    for (std::size_t j = 0; j < kHalf; ++j) {
      const std::size_t bit = layer * kHalf + j;
      const uint16_t swap = static_cast<uint16_t>(0u - ((control[bit >> 3] >> (bit & 7)) & 1u));
      const std::size_t lo = (j % gap) + 2 * gap * (j / gap);
      const uint16_t d = (values[lo] ^ values[lo + gap]) & swap;
      values[lo] ^= d;
      values[lo + gap] ^= d;
    }
  }
}

namespace {

static_assert(std::endian::native == std::endian::little, "control bits are loaded as words");

uint64_t load_le(const uint8_t* p, int bytes) {
  uint64_t r = 0;
  std::memcpy(&r, p, bytes == 8 ? 8 : 4);
  return r;
}

// Moves the g-bit groups of a 32-bit value into the low halves of 2g-bit slots.
uint64_t spread_groups(uint64_t x, std::size_t g) {
  static constexpr uint64_t kMasks[] = {0x5555555555555555, 0x3333333333333333, 0x0f0f0f0f0f0f0f0f,
                                        0x00ff00ff00ff00ff, 0x0000ffff0000ffff};
  for (int level = 4; level >= 0 && (std::size_t{1} << level) >= g; --level)
    x = (x | (x << (1u << level))) & kMasks[level];
  return x;
}

}  // namespace

RP_MCE_CLONES void benes_permute_bits(std::span<BitPlane* const> planes,
                                      std::span<const uint8_t, kControlBytes> control,
                                      bool inverse) {
  constexpr int kLayers = 2 * kM - 1;
  constexpr std::size_t kHalf = kFieldSize / 2;
  constexpr std::size_t kWords = kFieldSize / 64;
  for (int step = 0; step < kLayers; ++step) {
    const int layer = inverse ? kLayers - 1 - step : step;
    const std::size_t gap = std::size_t{1} << std::min(layer, kLayers - 1 - layer);
    const uint8_t* bits = control.data() + layer * kHalf / 8;
    if (gap >= 64) {
      const std::size_t gap_words = gap / 64;
      for (std::size_t chunk = 0; chunk < kHalf / 64; ++chunk) {
        const uint64_t mask = load_le(bits + 8 * chunk, 8);
        const std::size_t j = 64 * chunk;
        const std::size_t w = ((j % gap) + 2 * gap * (j / gap)) / 64;
        for (BitPlane* p : planes) {
          BitPlane& x = *p;
          const uint64_t d = (x[w] ^ x[w + gap_words]) & mask;
          x[w] ^= d;
          x[w + gap_words] ^= d;
        }
      }
    } else {
      // Masks first, then the exchanges: two simple loops the compiler vectorises.
      alignas(32) std::array<uint64_t, kWords> masks;
      for (std::size_t w = 0; w < kWords; ++w) {
        uint32_t half;
        std::memcpy(&half, bits + 4 * w, 4);
        masks[w] = spread_groups(half, gap);
      }
      for (BitPlane* p : planes) {
        BitPlane& x = *p;
        for (std::size_t w = 0; w < kWords; ++w) {
          const uint64_t t = (x[w] ^ (x[w] >> gap)) & masks[w];
          x[w] ^= t ^ (t << gap);
        }
      }
    }
  }
}

void support_from_control_bits(std::span<Gf, kN> support,
                               std::span<const uint8_t, kControlBytes> control) {
  ZeroingVector<uint16_t> values(kFieldSize);
  for (int i = 0; i < kFieldSize; ++i) values[i] = bitrev13(static_cast<Gf>(i));
  apply_benes(std::span<uint16_t, kFieldSize>(values.data(), kFieldSize), control);
  std::copy_n(values.begin(), kN, support.begin());
}

}  // namespace rosenpass::kem::mceliece460896::detail
