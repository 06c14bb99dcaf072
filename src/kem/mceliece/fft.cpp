// The recursion: with the basis (b_0..b_{d-1}) of the current subspace and its last element
// b = b_{d-1}, twist f(x) -> f(b x) so the last basis element becomes 1, split
// f(x) = f0(x^2 + x) + x f1(x^2 + x) (Taylor expansion at x^2 + x), evaluate f0 and f1 on the
// subspace spanned by (c_i^2 + c_i) with c_i = b_i / b, and combine:
//   out[k] = u[k] + G_k v[k],  out[k + half] = out[k] + v[k],  G_k = sum_i k_i c_i.
// After 7 splits a polynomial of degree < 128 is a constant and one of degree < 256 is
// linear; the remaining 6 dimensions (64 points) are evaluated directly, as one bitsliced
// word per plane. Every butterfly then works on whole words: no shuffles inside a word.
#include "fft.h"

#include <vector>

#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::kem::mceliece460896::detail {
namespace {

constexpr int kSplits = 7;  // recursion levels done by butterflies

// Group offset of depth d's butterfly constants in Tables::butterfly.
constexpr std::size_t butterfly_offset(int d) {
  return kGroups - (kGroups >> d);
}

struct Tables {
  // twist[d][i] = (last basis element at depth d)^i, for i < 256 >> d
  std::array<std::vector<Gf>, kSplits> twist;
  // The same repeated over a whole 128- or 256-element array of depth-d polynomials:
  // twist128[d][i] = twist[d][i mod (128 >> d)], twist256[d][i] = twist[d][i mod (256 >> d)].
  std::array<std::array<Gf, 128>, kSplits> twist128;
  std::array<std::array<Gf, 256>, kSplits> twist256;
  // G_k for k = 64 w + lane at depth d: group butterfly_offset(d) + w, w < 2^(6-d)
  FieldValues butterfly;
  Bits13 leaf_points;  // the 64 points of the depth-7 subspace
};

const Tables& tables() {
  static const Tables t = [] {
    Tables t{};
    // Depth-0 basis: bit i of the FFT index k stands for z^(12-i), so k <-> bitrev13(k).
    std::vector<Gf> basis(kM);
    for (int i = 0; i < kM; ++i) basis[i] = static_cast<Gf>(1u << (kM - 1 - i));
    for (int d = 0; d < kSplits; ++d) {
      const int dim = kM - d;
      const Gf last = basis[dim - 1];
      const Gf last_inv = gf_inv(last);
      t.twist[d].resize(256 >> d);
      Gf power = 1;
      for (auto& tw : t.twist[d]) {
        tw = power;
        power = gf_mul(power, last);
      }
      for (int i = 0; i < 128; ++i) t.twist128[d][i] = t.twist[d][i % (128 >> d)];
      for (int i = 0; i < 256; ++i) t.twist256[d][i] = t.twist[d][i % (256 >> d)];
      std::vector<Gf> c(dim - 1);
      for (int i = 0; i < dim - 1; ++i) c[i] = gf_mul(basis[i], last_inv);
      // G_k = G_{k without its lowest set bit} ^ c[that bit]: one XOR per k, no branch on the
      // bits of k (this table is built at the first decapsulation, e.g. the start-up key-pair
      // check, so it counts towards the time to the first InitHello).
      const int count = 1 << (dim - 1);
      std::vector<Gf> g(static_cast<std::size_t>(count), 0);
      for (int k = 1; k < count; ++k) g[k] = g[k & (k - 1)] ^ c[__builtin_ctz(unsigned(k))];
      for (int w = 0; w * 64 < count; ++w) {
        std::array<uint64_t, kM> word{};
        for (int l = 0; l < 64 && w * 64 + l < count; ++l) {
          const Gf gk = g[w * 64 + l];
          for (int b = 0; b < kM; ++b) word[b] |= static_cast<uint64_t>((gk >> b) & 1) << l;
        }
        for (int b = 0; b < kM; ++b) t.butterfly.plane[b][butterfly_offset(d) + w] |= word[b];
      }
      basis.resize(dim - 1);
      for (int i = 0; i < dim - 1; ++i) basis[i] = gf_sq(c[i]) ^ c[i];
    }
    t.leaf_points = Bits13{};
    for (int l = 0; l < 64; ++l) {
      Gf p = 0;
      for (int i = 0; i < 6; ++i)
        if ((l >> i) & 1) p ^= basis[i];
      for (int b = 0; b < kM; ++b)
        t.leaf_points.plane[b] |= static_cast<uint64_t>((p >> b) & 1) << l;
    }
    return t;
  }();
  return t;
}

// Taylor expansion at x^2 + x, in place, for a length that is a power of two:
// f = f0 + x^(2b) f1 + x^(3b) f2  ->  l = f0 + x^b (f1 + f2),  h = (f1 + f2) + x^b f2,
// then the same on l and on h (each of half the length). Done here on every block of `len`
// elements of f[0..n), level by level rather than recursively: the blocks of one level are
// independent, so whole levels are long loops.
[[gnu::always_inline]] inline void taylor_all(Gf* f, int n, int len) {
  for (; len >= 4; len /= 2) {
    const int b = len / 4;
    for (int s = 0; s < n; s += len)
      for (int i = 0; i < b; ++i) {
        f[s + 2 * b + i] ^= f[s + 3 * b + i];
        f[s + b + i] ^= f[s + 2 * b + i];
      }
  }
}

// The transpose: the same XORs with source and destination exchanged, in reverse order
// (levels bottom-up).
[[gnu::always_inline]] inline void taylor_transposed_all(Gf* f, int n, int len) {
  for (int l = 4; l <= len; l *= 2) {
    const int b = l / 4;
    for (int s = 0; s < n; s += l)
      for (int i = 0; i < b; ++i) {
        f[s + 2 * b + i] ^= f[s + b + i];
        f[s + 3 * b + i] ^= f[s + 2 * b + i];
      }
  }
}

// poly[i] *= tw[i]: many independent products, written so the compiler vectorises them
// (32-bit lanes, integer multiplies by single bits as in gf_mul).
[[gnu::always_inline]] inline void twist(Gf* __restrict poly, const Gf* __restrict tw, int len) {
  for (int i = 0; i < len; ++i) {
    const uint32_t a = poly[i], b = tw[i];
    uint32_t t = 0;
#pragma GCC unroll 13
    for (int bit = 0; bit < kM; ++bit) t ^= a * (b & (1u << bit));
#pragma GCC unroll 2
    for (int round = 0; round < 2; ++round) {
      const uint32_t high = t >> 13;
      t = (t & kGfMask) ^ high ^ (high << 1) ^ (high << 3) ^ (high << 4);
    }
    poly[i] = static_cast<Gf>(t & kGfMask);
  }
}

// f = sum T_i (x^2+x)^i with T_i = f[2i] + f[2i+1] x  ->  f0 = evens, f1 = odds.
void deinterleave(Gf* f, int len, Gf* tmp) {
  for (int i = 0; i < len / 2; ++i) {
    tmp[i] = f[2 * i];
    tmp[len / 2 + i] = f[2 * i + 1];
  }
  for (int i = 0; i < len; ++i) f[i] = tmp[i];
}

void interleave(Gf* f, int len, Gf* tmp) {
  for (int i = 0; i < len / 2; ++i) {
    tmp[2 * i] = f[i];
    tmp[2 * i + 1] = f[len / 2 + i];
  }
  for (int i = 0; i < len; ++i) f[i] = tmp[i];
}

// One butterfly step on W-wide words at groups u, u + half (constants at group g).
template <typename W>
[[gnu::always_inline]] inline void butterfly(FieldValues& v, const FieldValues& constants,
                                             std::size_t u, std::size_t half, std::size_t g) {
  Planes<W> x = load<W>(v, u), y = load<W>(v, u + half);
  x = bs_xor(x, bs_mul(load<W>(constants, g), y));
  y = bs_xor(y, x);
  store(v, u, x);
  store(v, u + half, y);
}

template <typename W>
[[gnu::always_inline]] inline void butterfly_transposed(FieldValues& v,
                                                        const FieldValues& constants, std::size_t u,
                                                        std::size_t half, std::size_t g) {
  Planes<W> x = load<W>(v, u), y = load<W>(v, u + half);
  x = bs_xor(x, y);
  y = bs_xor(y, bs_mul(load<W>(constants, g), x));
  store(v, u, x);
  store(v, u + half, y);
}

// Depths whose halves are 1 or 2 groups: 8 groups (4 butterflies) at once, regrouped so
// that all u parts share one vector and all v parts another.
template <bool kTransposed>
[[gnu::always_inline]] inline void butterflies_small(FieldValues& v, const FieldValues& constants,
                                                     std::size_t half, std::size_t g) {
  Planes<u64x4> gc{};
  for (int b = 0; b < kM; ++b) {
    const uint64_t g0 = constants.plane[b][g];
    const uint64_t g1 = half == 2 ? constants.plane[b][g + 1] : g0;
    gc.plane[b] = u64x4{g0, g1, g0, g1};
  }
  for (std::size_t base = 0; base < kGroups; base += 8) {
    const Planes<u64x4> x = load<u64x4>(v, base), y = load<u64x4>(v, base + 4);
    Planes<u64x4> u{}, w{};
    for (int b = 0; b < kM; ++b) {
      if (half == 2) {
        u.plane[b] = __builtin_shufflevector(x.plane[b], y.plane[b], 0, 1, 4, 5);
        w.plane[b] = __builtin_shufflevector(x.plane[b], y.plane[b], 2, 3, 6, 7);
      } else {
        u.plane[b] = __builtin_shufflevector(x.plane[b], y.plane[b], 0, 2, 4, 6);
        w.plane[b] = __builtin_shufflevector(x.plane[b], y.plane[b], 1, 3, 5, 7);
      }
    }
    if (kTransposed) {
      u = bs_xor(u, w);
      w = bs_xor(w, bs_mul(gc, u));
    } else {
      u = bs_xor(u, bs_mul(gc, w));
      w = bs_xor(w, u);
    }
    Planes<u64x4> x2{}, y2{};
    for (int b = 0; b < kM; ++b) {
      if (half == 2) {
        x2.plane[b] = __builtin_shufflevector(u.plane[b], w.plane[b], 0, 1, 4, 5);
        y2.plane[b] = __builtin_shufflevector(u.plane[b], w.plane[b], 2, 3, 6, 7);
      } else {
        x2.plane[b] = __builtin_shufflevector(u.plane[b], w.plane[b], 0, 4, 1, 5);
        y2.plane[b] = __builtin_shufflevector(u.plane[b], w.plane[b], 2, 6, 3, 7);
      }
    }
    store(v, base, x2);
    store(v, base + 4, y2);
  }
}

}  // namespace

RP_MCE_CLONES void fft_evaluate(FieldValues& out, std::span<const Gf, 128> input) {
  const Tables& t = tables();
  std::array<Gf, 128> f, tmp;
  std::copy(input.begin(), input.end(), f.begin());
  for (int d = 0; d < kSplits; ++d) {
    const int len = 128 >> d;
    twist(f.data(), t.twist128[d].data(), 128);
    taylor_all(f.data(), 128, len);
    for (int p = 0; p < (1 << d); ++p) deinterleave(f.data() + p * len, len, tmp.data());
  }
  for (std::size_t p = 0; p < kGroups; ++p)
    for (int b = 0; b < kM; ++b) out.plane[b][p] = 0 - static_cast<uint64_t>((f[p] >> b) & 1);
  for (int d = kSplits - 1; d >= 0; --d) {
    const std::size_t half = std::size_t{1} << (6 - d);
    for (std::size_t u = 0; u < kGroups; u += 2 * half) {
      if (half >= 4) {
        for (std::size_t w = 0; w < half; w += 4)
          butterfly<u64x4>(out, t.butterfly, u + w, half, butterfly_offset(d) + w);
      } else {
        butterflies_small<false>(out, t.butterfly, half, butterfly_offset(d));
        break;  // all groups done
      }
    }
  }
  crypto::wipe(f);
  crypto::wipe(tmp);
}

RP_MCE_CLONES void fft_power_sums(std::span<Gf, 256> s, FieldValues& values) {
  const Tables& t = tables();
  for (int d = 0; d < kSplits; ++d) {
    const std::size_t half = std::size_t{1} << (6 - d);
    for (std::size_t u = 0; u < kGroups; u += 2 * half) {
      if (half >= 4) {
        for (std::size_t w = 0; w < half; w += 4)
          butterfly_transposed<u64x4>(values, t.butterfly, u + w, half, butterfly_offset(d) + w);
      } else {
        butterflies_small<true>(values, t.butterfly, half, butterfly_offset(d));
        break;  // all groups done
      }
    }
  }
  std::array<Gf, 256> f, tmp;
  Planes<u64x4> points;
  for (int b = 0; b < kM; ++b) {
    u64x4 zero{};
    points.plane[b] = zero + t.leaf_points.plane[b];
  }
  for (std::size_t p = 0; p < kGroups; p += 4) {
    const Planes<u64x4> x = load<u64x4>(values, p);
    const Planes<u64x4> xp = bs_mul(x, points);
    // Parities of all four groups' words at once: fold each vector down to bit 0.
    u64x4 sum{}, weighted{};
    for (int b = 0; b < kM; ++b) {
      u64x4 a = x.plane[b], c = xp.plane[b];
      for (int shift = 32; shift > 0; shift >>= 1) {
        a ^= a >> shift;
        c ^= c >> shift;
      }
      sum |= (a & 1) << b;
      weighted |= (c & 1) << b;
    }
    for (std::size_t q = 0; q < 4; ++q) {
      f[2 * (p + q)] = static_cast<Gf>(sum[q]);
      f[2 * (p + q) + 1] = static_cast<Gf>(weighted[q]);
    }
  }
  for (int d = kSplits - 1; d >= 0; --d) {
    const int len = 256 >> d;
    for (int p = 0; p < (1 << d); ++p) interleave(f.data() + p * len, len, tmp.data());
    taylor_transposed_all(f.data(), 256, len);
    twist(f.data(), t.twist256[d].data(), 256);
  }
  std::copy(f.begin(), f.end(), s.begin());
  crypto::wipe(f);
  crypto::wipe(tmp);
}

}  // namespace rosenpass::kem::mceliece460896::detail
