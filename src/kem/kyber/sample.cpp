// Sampling: the public matrix by rejection from SHAKE128, the noise by centred binomial
// distributions over SHAKE256 output.
#include <array>

#include "poly.h"
#include "rosenpass/crypto/keccak.h"
#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::kem::kyber512::detail {
namespace {

uint32_t load_le24(const uint8_t* b) {
  return b[0] | (uint32_t{b[1]} << 8) | (uint32_t{b[2]} << 16);
}
uint32_t load_le32(const uint8_t* b) {
  return load_le24(b) | (uint32_t{b[3]} << 24);
}

// PRF(seed, nonce) = SHAKE256(seed || nonce).
template <std::size_t Len>
void prf(std::array<uint8_t, Len>& out, std::span<const uint8_t, kSymBytes> seed, uint8_t nonce) {
  crypto::Shake256 xof;
  xof.absorb(seed);
  xof.absorb(std::span<const uint8_t>(&nonce, 1));
  xof.squeeze(out);
}

}  // namespace

void sample_uniform(Poly& p, std::span<const uint8_t, kSymBytes> rho, uint8_t x, uint8_t y) {
  crypto::Shake128 xof;
  xof.absorb(rho);
  const uint8_t indices[2] = {x, y};
  xof.absorb(indices);

  // Three bytes give two 12-bit candidates; those below q are kept, in order. The rate
  // (168) is a multiple of 3, so reading block by block consumes the stream exactly as
  // reading 3 bytes at a time does. Only the public seed rho decides the branches here.
  std::array<uint8_t, crypto::Shake128::kRate> block;
  std::size_t count = 0;
  while (count < kN) {
    xof.squeeze(block);
    for (std::size_t i = 0; i + 3 <= block.size() && count < kN; i += 3) {
      const uint16_t d1 = static_cast<uint16_t>(block[i] | ((block[i + 1] & 0x0f) << 8));
      const uint16_t d2 = static_cast<uint16_t>((block[i + 1] >> 4) | (block[i + 2] << 4));
      if (d1 < kQ) p.c[count++] = static_cast<int16_t>(d1);
      if (d2 < kQ && count < kN) p.c[count++] = static_cast<int16_t>(d2);
    }
  }
}

void sample_noise_eta1(Poly& p, std::span<const uint8_t, kSymBytes> seed, uint8_t nonce) {
  static_assert(kEta1 == 3);
  std::array<uint8_t, kEta1 * kN / 4> buf;
  prf(buf, seed, nonce);
  // Every 3 bytes hold four coefficients of 6 bits: (sum of 3 bits) - (sum of the next 3).
  for (std::size_t i = 0; i < kN / 4; ++i) {
    const uint32_t t = load_le24(&buf[3 * i]);
    const uint32_t sums = (t & 0x249249) + ((t >> 1) & 0x249249) + ((t >> 2) & 0x249249);
    for (std::size_t j = 0; j < 4; ++j) {
      const int16_t a = static_cast<int16_t>((sums >> (6 * j)) & 7);
      const int16_t b = static_cast<int16_t>((sums >> (6 * j + 3)) & 7);
      p.c[4 * i + j] = static_cast<int16_t>(a - b);
    }
  }
  crypto::wipe(buf);
}

void sample_noise_eta2(Poly& p, std::span<const uint8_t, kSymBytes> seed, uint8_t nonce) {
  static_assert(kEta2 == 2);
  std::array<uint8_t, kEta2 * kN / 4> buf;
  prf(buf, seed, nonce);
  // Every 4 bytes hold eight coefficients of 4 bits: (sum of 2 bits) - (sum of the next 2).
  for (std::size_t i = 0; i < kN / 8; ++i) {
    const uint32_t t = load_le32(&buf[4 * i]);
    const uint32_t sums = (t & 0x55555555) + ((t >> 1) & 0x55555555);
    for (std::size_t j = 0; j < 8; ++j) {
      const int16_t a = static_cast<int16_t>((sums >> (4 * j)) & 3);
      const int16_t b = static_cast<int16_t>((sums >> (4 * j + 2)) & 3);
      p.c[8 * i + j] = static_cast<int16_t>(a - b);
    }
  }
  crypto::wipe(buf);
}

}  // namespace rosenpass::kem::kyber512::detail
