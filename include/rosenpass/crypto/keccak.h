// Keccak-f[1600] and the FIPS 202 functions built on it: SHA3-256, SHA3-512, SHAKE128,
// SHAKE256, with incremental absorb and squeeze.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace rosenpass::crypto {

// The Keccak-f[1600] permutation on 25 little-endian lanes.
void keccak_f1600(std::array<uint64_t, 25>& state) noexcept;

// A Keccak sponge with rate `Rate` bytes and domain-separation byte `Suffix` (FIPS 202).
// absorb() any number of times, then squeeze() any number of times; absorbing after the
// first squeeze is a programming error. The state is erased on destruction.
template <std::size_t Rate, uint8_t Suffix>
class KeccakSponge {
 public:
  static constexpr std::size_t kRate = Rate;

  KeccakSponge() = default;
  ~KeccakSponge();
  KeccakSponge(const KeccakSponge&) = default;
  KeccakSponge& operator=(const KeccakSponge&) = default;

  void absorb(std::span<const uint8_t> data) noexcept;
  void squeeze(std::span<uint8_t> out) noexcept;
  void reset() noexcept;

 private:
  void finalize() noexcept;

  std::array<uint64_t, 25> state_{};
  std::size_t offset_ = 0;  // bytes absorbed into, or squeezed from, the current block
  bool squeezing_ = false;
};

using Shake128 = KeccakSponge<168, 0x1f>;
using Shake256 = KeccakSponge<136, 0x1f>;
using Sha3_256 = KeccakSponge<136, 0x06>;
using Sha3_512 = KeccakSponge<72, 0x06>;

extern template class KeccakSponge<168, 0x1f>;
extern template class KeccakSponge<136, 0x1f>;
extern template class KeccakSponge<136, 0x06>;
extern template class KeccakSponge<72, 0x06>;

std::array<uint8_t, 32> sha3_256(std::span<const uint8_t> data) noexcept;
std::array<uint8_t, 64> sha3_512(std::span<const uint8_t> data) noexcept;
void shake128(std::span<uint8_t> out, std::span<const uint8_t> data) noexcept;
void shake256(std::span<uint8_t> out, std::span<const uint8_t> data) noexcept;

}  // namespace rosenpass::crypto
