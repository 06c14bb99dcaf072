// Byte encodings of polynomials: 12-bit packing of keys, lossy compression of ciphertexts,
// and the 1-bit message encoding. Bits are packed little-endian, low coefficient first.
#include <array>

#include "poly.h"
#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::kem::kyber512::detail {
namespace {

// Compress_q(x, d) of every coefficient (in [0, q)), in a loop of its own so that it
// vectorises; the callers pack the results.
template <unsigned D>
std::array<uint16_t, kN> compress_all(const Poly& p) {
  std::array<uint16_t, kN> t;
  for (std::size_t i = 0; i < kN; ++i) {
    t[i] = static_cast<uint16_t>(compress_coefficient(static_cast<uint32_t>(p.c[i]), D));
  }
  return t;
}

}  // namespace

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
    std::array<uint16_t, kN> t = compress_all<kDu>(p);
    // Four 10-bit values fill five bytes.
    for (std::size_t i = 0; i < kN; i += 4) {
      out[o++] = static_cast<uint8_t>(t[i]);
      out[o++] = static_cast<uint8_t>((t[i] >> 8) | (t[i + 1] << 2));
      out[o++] = static_cast<uint8_t>((t[i + 1] >> 6) | (t[i + 2] << 4));
      out[o++] = static_cast<uint8_t>((t[i + 2] >> 4) | (t[i + 3] << 6));
      out[o++] = static_cast<uint8_t>(t[i + 3] >> 2);
    }
    // In decapsulation this is the re-encryption, secret unless it matches the input.
    crypto::wipe(t);
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
  std::array<uint16_t, kN> t = compress_all<kDv>(p);
  for (std::size_t i = 0; i < kN / 2; ++i) {
    out[i] = static_cast<uint8_t>(t[2 * i] | (t[2 * i + 1] << 4));
  }
  crypto::wipe(t);
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
  std::array<uint16_t, kN> bits = compress_all<1>(p);
  for (std::size_t i = 0; i < kSymBytes; ++i) {
    uint8_t byte = 0;
    for (std::size_t j = 0; j < 8; ++j) byte |= static_cast<uint8_t>(bits[8 * i + j] << j);
    msg[i] = byte;
  }
  crypto::wipe(bits);
}

}  // namespace rosenpass::kem::kyber512::detail
