#include "encode.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "gf.h"
#include "rejection.h"
#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::kem::mceliece460896::detail {

static_assert(std::endian::native == std::endian::little, "words are loaded with memcpy");

void fixed_weight(std::span<uint8_t, kErrorBytes> e, crypto::RandomSource& rng) {
  std::array<uint8_t, 4 * kT> bytes;
  std::array<uint16_t, kT> index{};
  for (;;) {
    rng.fill(bytes);
    // Keep the first 96 of 192 13-bit candidates that are below n. The candidates that are
    // skipped or the attempts that are rejected reveal nothing about the accepted ones.
    int count = 0;
    for (int i = 0; i < 2 * kT && count < kT; ++i) {
      const uint16_t candidate = load_gf(bytes.data() + 2 * i);
      const uint64_t out_of_range = (uint32_t{kN - 1} - candidate) >> 31;
      if (!rejected(out_of_range)) index[count++] = candidate;
    }
    if (count < kT) continue;
    uint32_t repeated = 0;
    for (int i = 1; i < kT; ++i)
      for (int j = 0; j < i; ++j) {
        const uint32_t diff = uint32_t{index[i]} ^ index[j];
        repeated |= ((diff - 1) >> 31);  // 1 iff diff == 0
      }
    if (!rejected(repeated)) break;  // on repetition all 96 are discarded
  }
  // Scatter without secret addresses: every word looks at every index.
  std::array<uint64_t, kN / 64> words{};
  for (int j = 0; j < kT; ++j) {
    const uint64_t bit = uint64_t{1} << (index[j] & 63);
    const uint64_t word = index[j] >> 6;
    for (uint64_t w = 0; w < words.size(); ++w) {
      const uint64_t same = 0 - (((w ^ word) - 1) >> 63);  // all ones iff w == word
      words[w] |= bit & same;
    }
  }
  std::memcpy(e.data(), words.data(), kErrorBytes);
  crypto::wipe(words);
  crypto::wipe(bytes);
  crypto::wipe(index);
}

void encode(std::span<uint8_t, kSyndromeBytes> c0, std::span<const uint8_t> pk,
            std::span<const uint8_t, kErrorBytes> e) {
  // The part of e that meets T: bits 1248..4607 = 52 whole words and 4 bytes.
  constexpr std::size_t kFullWords = kRowBytes / 8;
  constexpr std::size_t kTailBytes = kRowBytes % 8;
  std::array<uint64_t, kFullWords + 1> tail{};
  std::memcpy(tail.data(), e.data() + kSyndromeBytes, kRowBytes);
  std::fill(c0.begin(), c0.end(), uint8_t{0});
  for (int r = 0; r < kRows; ++r) {
    const uint8_t* row = pk.data() + std::size_t(r) * kRowBytes;
    uint64_t acc = 0;
    for (std::size_t i = 0; i < kFullWords; ++i) {
      uint64_t word;
      std::memcpy(&word, row + 8 * i, 8);
      acc ^= word & tail[i];
    }
    uint64_t last = 0;
    std::memcpy(&last, row + 8 * kFullWords, kTailBytes);
    acc ^= last & tail[kFullWords];
    // Parity by folding (a popcount may be a table lookup without the instruction).
    for (int shift = 32; shift > 0; shift >>= 1) acc ^= acc >> shift;
    const uint32_t bit = static_cast<uint32_t>(acc & 1) ^ ((e[r / 8] >> (r % 8)) & 1u);
    c0[r / 8] |= static_cast<uint8_t>(bit << (r % 8));
  }
  crypto::wipe(tail);
}

}  // namespace rosenpass::kem::mceliece460896::detail
