// Byte encodings of polynomials: 12-bit packing of keys, lossy compression of ciphertexts,
// and the 1-bit message encoding. Bits are packed little-endian, low coefficient first.
#include "poly.h"

namespace rosenpass::kem::kyber512::detail {
namespace {

// floor(n / q) = (n * kReciprocal) >> kShift for every n < 2^23: with
// kReciprocal = ceil(2^kShift / q) the error term n * (kReciprocal * q - 2^kShift) / 2^kShift
// stays below 1/q when 2^kShift > 2^23 * q.
constexpr unsigned kShift = 35;
constexpr uint64_t kReciprocal = ((uint64_t{1} << kShift) + kQ - 1) / kQ;

}  // namespace

uint32_t compress_coefficient(uint32_t x, unsigned d) {
  // round(x 2^d / q) = floor((x 2^d + (q-1)/2) / q) because q is odd.
  const uint64_t numerator = (uint64_t{x} << d) + kQ / 2;
  return static_cast<uint32_t>((numerator * kReciprocal) >> kShift) & ((1u << d) - 1);
}

void encode12(std::span<uint8_t, kPolyBytes> out, const Poly& p) {
  for (std::size_t i = 0; i < kN / 2; ++i) {
    const uint16_t a = static_cast<uint16_t>(p.c[2 * i]);
    const uint16_t b = static_cast<uint16_t>(p.c[2 * i + 1]);
    out[3 * i] = static_cast<uint8_t>(a);
    out[3 * i + 1] = static_cast<uint8_t>((a >> 8) | (b << 4));
    out[3 * i + 2] = static_cast<uint8_t>(b >> 4);
  }
}

void decode12(Poly& p, std::span<const uint8_t, kPolyBytes> in) {
  for (std::size_t i = 0; i < kN / 2; ++i) {
    const uint16_t b0 = in[3 * i], b1 = in[3 * i + 1], b2 = in[3 * i + 2];
    p.c[2 * i] = static_cast<int16_t>(b0 | ((b1 & 0x0f) << 8));
    p.c[2 * i + 1] = static_cast<int16_t>((b1 >> 4) | (b2 << 4));
  }
}

void compress_du(std::span<uint8_t, kPolyVecCompressedBytes> out, const PolyVec& v) {
  static_assert(kDu == 10);
  std::size_t o = 0;
  for (const Poly& p : v) {
    // Four 10-bit values fill five bytes.
    for (std::size_t i = 0; i < kN; i += 4) {
      uint32_t t[4];
      for (std::size_t j = 0; j < 4; ++j) {
        t[j] = compress_coefficient(static_cast<uint32_t>(p.c[i + j]), kDu);
      }
      out[o++] = static_cast<uint8_t>(t[0]);
      out[o++] = static_cast<uint8_t>((t[0] >> 8) | (t[1] << 2));
      out[o++] = static_cast<uint8_t>((t[1] >> 6) | (t[2] << 4));
      out[o++] = static_cast<uint8_t>((t[2] >> 4) | (t[3] << 6));
      out[o++] = static_cast<uint8_t>(t[3] >> 2);
    }
  }
}

void decompress_du(PolyVec& v, std::span<const uint8_t, kPolyVecCompressedBytes> in) {
  std::size_t o = 0;
  for (Poly& p : v) {
    for (std::size_t i = 0; i < kN; i += 4) {
      const uint32_t b0 = in[o], b1 = in[o + 1], b2 = in[o + 2], b3 = in[o + 3], b4 = in[o + 4];
      o += 5;
      const uint32_t t[4] = {
          (b0 | (b1 << 8)) & 0x3ff,
          ((b1 >> 2) | (b2 << 6)) & 0x3ff,
          ((b2 >> 4) | (b3 << 4)) & 0x3ff,
          ((b3 >> 6) | (b4 << 2)) & 0x3ff,
      };
      for (std::size_t j = 0; j < 4; ++j) p.c[i + j] = decompress_coefficient(t[j], kDu);
    }
  }
}

void compress_dv(std::span<uint8_t, kPolyCompressedBytes> out, const Poly& p) {
  static_assert(kDv == 4);
  for (std::size_t i = 0; i < kN / 2; ++i) {
    const uint32_t lo = compress_coefficient(static_cast<uint32_t>(p.c[2 * i]), kDv);
    const uint32_t hi = compress_coefficient(static_cast<uint32_t>(p.c[2 * i + 1]), kDv);
    out[i] = static_cast<uint8_t>(lo | (hi << 4));
  }
}

void decompress_dv(Poly& p, std::span<const uint8_t, kPolyCompressedBytes> in) {
  for (std::size_t i = 0; i < kN / 2; ++i) {
    p.c[2 * i] = decompress_coefficient(in[i] & 0x0fu, kDv);
    p.c[2 * i + 1] = decompress_coefficient(static_cast<uint32_t>(in[i] >> 4), kDv);
  }
}

void from_message(Poly& p, std::span<const uint8_t, kSymBytes> msg) {
  constexpr int16_t kHalfQ = (kQ + 1) / 2;
  for (std::size_t i = 0; i < kN; ++i) {
    // All-ones mask for a 1 bit, zero for a 0 bit: no branch on the (secret) message.
    const int16_t mask = static_cast<int16_t>(-static_cast<int16_t>((msg[i / 8] >> (i % 8)) & 1));
    p.c[i] = static_cast<int16_t>(mask & kHalfQ);
  }
}

void to_message(std::span<uint8_t, kSymBytes> msg, const Poly& p) {
  for (std::size_t i = 0; i < kSymBytes; ++i) {
    uint8_t byte = 0;
    for (std::size_t j = 0; j < 8; ++j) {
      byte |=
          static_cast<uint8_t>(compress_coefficient(static_cast<uint32_t>(p.c[8 * i + j]), 1) << j);
    }
    msg[i] = byte;
  }
}

}  // namespace rosenpass::kem::kyber512::detail
