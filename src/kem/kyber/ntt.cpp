// The NTT of Kyber: 7 layers of butterflies split X^256 + 1 into 128 factors X^2 - w_i, where
// w_i are odd powers of zeta = 17, a primitive 256th root of unity mod q.
#include <array>

#include "modular.h"
#include "poly.h"

namespace rosenpass::kem::kyber512::detail {
namespace {

constexpr int64_t kZeta = 17;

constexpr int64_t power_mod_q(int64_t base, int64_t exp) {
  int64_t result = 1;
  base = mod_q(base);
  for (; exp > 0; exp >>= 1) {
    if (exp & 1) result = mod_q(result * base);
    base = mod_q(base * base);
  }
  return result;
}

constexpr unsigned reverse_7_bits(unsigned k) {
  unsigned r = 0;
  for (int i = 0; i < 7; ++i) r |= ((k >> i) & 1u) << (6 - i);
  return r;
}

// Twiddle k (1..127) is zeta^bitrev7(k). Layer with half-size `len` uses twiddles
// 128/len ... 256/len - 1, one per block of 2*len coefficients, in block order.
// Tables hold Montgomery forms so that mont_mul(table[k], a) = twiddle * a.
constexpr std::array<int16_t, 128> make_twiddles(bool inverse) {
  std::array<int16_t, 128> t{};
  for (unsigned k = 0; k < 128; ++k) {
    int64_t w = power_mod_q(kZeta, reverse_7_bits(k));
    t[k] = to_montgomery(inverse ? power_mod_q(w, kQ - 2) : w);
  }
  return t;
}

constexpr std::array<int16_t, 128> kTwiddles = make_twiddles(false);
constexpr std::array<int16_t, 128> kInverseTwiddles = make_twiddles(true);

static_assert(power_mod_q(kZeta, 128) == kQ - 1, "zeta must have order 256");

// The inverse butterflies double every coefficient once per layer (2^7 in all), and
// basemul_accumulate leaves a factor 2^-16; mont_mul by this constant (2^32 / 128 mod q)
// multiplies by 2^16 / 128 and so cancels both.
constexpr int16_t kInverseScale = to_montgomery(mod_q(int64_t{1} << 16) * power_mod_q(128, kQ - 2));

// 2^32 mod q in Montgomery form: mont_mul by it multiplies by 2^16.
constexpr int16_t kMontgomerySquare = to_montgomery(int64_t{1} << 16);

// One forward layer: blocks of 2 * Len coefficients, (a, b) -> (a + w b, a - w b), the halves
// modulo X^Len - w and X^Len + w. Len is a template argument so that the inner loop has a
// fixed trip count and the compiler vectorises it.
template <std::size_t Len>
void forward_layer(Poly& p) {
  constexpr std::size_t kFirstTwiddle = kN / (2 * Len);
  for (std::size_t block = 0; block < kN / (2 * Len); ++block) {
    const int16_t w = kTwiddles[kFirstTwiddle + block];
    int16_t* lo = &p.c[2 * Len * block];
    int16_t* hi = lo + Len;
    for (std::size_t j = 0; j < Len; ++j) {
      const int16_t t = mont_mul(w, hi[j]);
      hi[j] = static_cast<int16_t>(lo[j] - t);
      lo[j] = static_cast<int16_t>(lo[j] + t);
    }
  }
}

// One inverse layer: (x, y) = (a + w b, a - w b) -> (x + y, (x - y) / w) = (2a, 2b).
// No reduction here; see inverse_ntt.
template <std::size_t Len>
void inverse_layer(Poly& p) {
  constexpr std::size_t kFirstTwiddle = kN / (2 * Len);
  for (std::size_t block = 0; block < kN / (2 * Len); ++block) {
    const int16_t w_inverse = kInverseTwiddles[kFirstTwiddle + block];
    int16_t* lo = &p.c[2 * Len * block];
    int16_t* hi = lo + Len;
    for (std::size_t j = 0; j < Len; ++j) {
      const int16_t x = lo[j];
      const int16_t y = hi[j];
      lo[j] = static_cast<int16_t>(x + y);
      hi[j] = mont_mul(w_inverse, static_cast<int16_t>(x - y));
    }
  }
}

}  // namespace

void ntt(Poly& p) {
  // Each layer adds less than q to the coefficients' size (|w b| < q after mont_mul).
  forward_layer<128>(p);
  forward_layer<64>(p);
  forward_layer<32>(p);
  forward_layer<16>(p);
  forward_layer<8>(p);
  forward_layer<4>(p);
  forward_layer<2>(p);
  reduce(p);
}

void inverse_ntt(Poly& p) {
  // Lazy reduction: only the sums grow (at most doubling per layer; the products stay
  // below q), so from |c| <= q three layers reach |x|, |y| < 4q, |x + y|, |x - y| < 8q < 2^15
  // and |w_inverse (x - y)| < 4q^2 < q 2^15. Reducing after layers 3 and 6 suffices.
  inverse_layer<2>(p);
  inverse_layer<4>(p);
  inverse_layer<8>(p);
  reduce(p);
  inverse_layer<16>(p);
  inverse_layer<32>(p);
  inverse_layer<64>(p);
  reduce(p);
  inverse_layer<128>(p);
  for (auto& c : p.c) c = mont_mul(c, kInverseScale);
}

void basemul_accumulate(Poly& out, const PolyVec& a, const PolyVec& b) {
  // Factor i of the last layer's block b is X^2 - w (first pair) or X^2 + w (second pair),
  // w = twiddle 64 + b. (a0 + a1 X)(b0 + b1 X) = a0 b0 + a1 b1 w + (a0 b1 + a1 b0) X.
  // Products are summed over the vector in 32 bits and reduced once: with one factor below
  // 4096 and the other below q, each sum stays below q * 2^15.
  for (std::size_t block = 0; block < kN / 4; ++block) {
    const int16_t w = kTwiddles[64 + block];
    for (std::size_t half = 0; half < 2; ++half) {
      const std::size_t i = 4 * block + 2 * half;
      const int16_t root = half == 0 ? w : static_cast<int16_t>(-w);
      int32_t even = 0;
      int32_t odd = 0;
      for (std::size_t v = 0; v < kK; ++v) {
        const int32_t a0 = a[v].c[i], a1 = a[v].c[i + 1];
        const int32_t b0 = b[v].c[i], b1 = b[v].c[i + 1];
        // montgomery_reduce(a1 b1) = a1 b1 / 2^16, and root is w * 2^16: their product is a1 b1 w.
        even += a0 * b0 + static_cast<int32_t>(montgomery_reduce(a1 * b1)) * root;
        odd += a0 * b1 + a1 * b0;
      }
      out.c[i] = montgomery_reduce(even);
      out.c[i + 1] = montgomery_reduce(odd);
    }
  }
}

void to_montgomery_domain(Poly& p) {
  for (auto& c : p.c) c = mont_mul(c, kMontgomerySquare);
}

}  // namespace rosenpass::kem::kyber512::detail
