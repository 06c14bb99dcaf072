#include "rosenpass/crypto/keccak.h"

#include <bit>
#include <cstring>

#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::crypto {

static_assert(std::endian::native == std::endian::little,
              "lanes are loaded with memcpy, which assumes a little-endian machine");

namespace {

uint8_t* state_bytes(std::array<uint64_t, 25>& s) {
  return reinterpret_cast<uint8_t*>(s.data());
}

// XORs one full block into the state, a lane at a time (the hot loop of long inputs).
template <std::size_t Rate>
void xor_block(std::array<uint64_t, 25>& s, const uint8_t* in) {
  for (std::size_t i = 0; i < Rate / 8; ++i) {
    uint64_t lane;
    std::memcpy(&lane, in + 8 * i, 8);
    s[i] ^= lane;
  }
}

}  // namespace

template <std::size_t Rate, uint8_t Suffix>
KeccakSponge<Rate, Suffix>::~KeccakSponge() {
  wipe(state_);
}

template <std::size_t Rate, uint8_t Suffix>
void KeccakSponge<Rate, Suffix>::reset() noexcept {
  wipe(state_);
  offset_ = 0;
  squeezing_ = false;
}

template <std::size_t Rate, uint8_t Suffix>
void KeccakSponge<Rate, Suffix>::absorb(std::span<const uint8_t> data) noexcept {
  const uint8_t* in = data.data();
  std::size_t len = data.size();
  uint8_t* bytes = state_bytes(state_);
  if (offset_ != 0) {
    std::size_t take = std::min(len, Rate - offset_);
    for (std::size_t i = 0; i < take; ++i) bytes[offset_ + i] ^= in[i];
    offset_ += take;
    in += take;
    len -= take;
    if (offset_ < Rate) return;
    keccak_f1600(state_);
    offset_ = 0;
  }
  while (len >= Rate) {
    xor_block<Rate>(state_, in);
    keccak_f1600(state_);
    in += Rate;
    len -= Rate;
  }
  for (std::size_t i = 0; i < len; ++i) bytes[i] ^= in[i];
  offset_ = len;
}

template <std::size_t Rate, uint8_t Suffix>
void KeccakSponge<Rate, Suffix>::finalize() noexcept {
  uint8_t* bytes = state_bytes(state_);
  bytes[offset_] ^= Suffix;
  bytes[Rate - 1] ^= 0x80;
  keccak_f1600(state_);
  offset_ = 0;
  squeezing_ = true;
}

template <std::size_t Rate, uint8_t Suffix>
void KeccakSponge<Rate, Suffix>::squeeze(std::span<uint8_t> out) noexcept {
  if (!squeezing_) finalize();
  const uint8_t* bytes = state_bytes(state_);
  std::size_t done = 0;
  while (done < out.size()) {
    if (offset_ == Rate) {
      keccak_f1600(state_);
      offset_ = 0;
    }
    std::size_t take = std::min(out.size() - done, Rate - offset_);
    std::memcpy(out.data() + done, bytes + offset_, take);
    offset_ += take;
    done += take;
  }
}

template class KeccakSponge<168, 0x1f>;
template class KeccakSponge<136, 0x1f>;
template class KeccakSponge<136, 0x06>;
template class KeccakSponge<72, 0x06>;

std::array<uint8_t, 32> sha3_256(std::span<const uint8_t> data) noexcept {
  Sha3_256 h;
  h.absorb(data);
  std::array<uint8_t, 32> out;
  h.squeeze(out);
  return out;
}

std::array<uint8_t, 64> sha3_512(std::span<const uint8_t> data) noexcept {
  Sha3_512 h;
  h.absorb(data);
  std::array<uint8_t, 64> out;
  h.squeeze(out);
  return out;
}

void shake128(std::span<uint8_t> out, std::span<const uint8_t> data) noexcept {
  Shake128 h;
  h.absorb(data);
  h.squeeze(out);
}

void shake256(std::span<uint8_t> out, std::span<const uint8_t> data) noexcept {
  Shake256 h;
  h.absorb(data);
  h.squeeze(out);
}

}  // namespace rosenpass::crypto
