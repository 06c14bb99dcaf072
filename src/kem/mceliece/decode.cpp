// The fast decoder. Everything runs on all 8192 field elements at once, in FFT order
// (fft.h), bitsliced; the secret Benes network moves single bit planes between FFT order
// and support order. Steps:
//   1. g at every field element (FFT), weights 1/g^2;
//   2. the received word r = (c0, 0...) moved to FFT order; syndrome = power sums of r/g^2;
//   3. error locator (Berlekamp-Massey), evaluated everywhere (FFT); its zeros at support
//      elements are the error positions;
//   4. accept iff there are exactly 96 and their syndrome equals the one received.
#include "decode.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <new>
#include <type_traits>

#include "control_bits.h"
#include "fft.h"
#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::kem::mceliece460896::detail {
namespace {

struct Workspace {
  FieldValues g_values;  // g(x), then 1/g(x)^2
  FieldValues scratch;
  BitPlane received;  // r in FFT order
  BitPlane support;   // 1 at the n support elements, in FFT order
  BitPlane errors;    // e in FFT order
  std::array<Gf, 256> syndrome, check;
  std::array<Gf, 128> poly;
};
static_assert(std::is_trivially_destructible_v<Workspace>);

// The workspace holds values derived from the secret key (g at every field element, the
// error positions), so it lives in locked memory and is zeroed after every decode. Each
// thread keeps its own for its lifetime: a 31 KB block with 32-byte alignment taken from the
// heap at every decapsulation fragments glibc's heap (glibc before 2.38 does not reuse freed
// chunks for aligned requests: 1,000 handshakes left 26 MB of such chunks resident), and a
// fresh guarded allocation per call would cost mmap/mlock syscalls in every handshake.
// secure_alloc's guarded region ends at a page boundary and sizeof is a multiple of the
// alignment, so the block is aligned.
Workspace& thread_workspace() {
  struct Owner {
    Workspace* ws = new (crypto::secure_alloc(sizeof(Workspace))) Workspace;
    Owner() { assert(reinterpret_cast<std::uintptr_t>(ws) % alignof(Workspace) == 0); }
    ~Owner() { crypto::secure_free(ws, sizeof(Workspace)); }
  };
  thread_local Owner owner;
  return *owner.ws;
}

// Sum of all set bits, branch-free and table-free.
uint32_t count_bits(const BitPlane& x) {
  uint32_t total = 0;
  for (uint64_t v : x) {
    v = v - ((v >> 1) & 0x5555555555555555);
    v = (v & 0x3333333333333333) + ((v >> 2) & 0x3333333333333333);
    v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0f;
    total += static_cast<uint32_t>((v * 0x0101010101010101) >> 56);
  }
  return total;
}

// values[k] masked to the positions set in `bits`.
void mask_values(FieldValues& out, const FieldValues& values, const BitPlane& bits) {
  for (int b = 0; b < kM; ++b)
    for (std::size_t w = 0; w < kGroups; ++w) out.plane[b][w] = values.plane[b][w] & bits[w];
}

// v -> 1/v^2 for every element, with one inversion per lane (Montgomery's trick across the
// 32 blocks of 4 groups: prefix products, invert the last, walk back). g has no zeros in
// GF(2^13).
RP_MCE_CLONES void invert_squares(FieldValues& v, FieldValues& prefix) {
  using Wide = Planes<u64x4>;
  constexpr std::size_t kStep = 4;
  store(prefix, 0, load<u64x4>(v, 0));
  for (std::size_t w = kStep; w < kGroups; w += kStep)
    store(prefix, w, bs_mul(load<u64x4>(prefix, w - kStep), load<u64x4>(v, w)));
  Wide inv = bs_inv(load<u64x4>(prefix, kGroups - kStep));
  for (std::size_t w = kGroups - kStep; w > 0; w -= kStep) {
    const Wide vw_inv = bs_mul(inv, load<u64x4>(prefix, w - kStep));
    inv = bs_mul(inv, load<u64x4>(v, w));
    store(v, w, bs_sq(vw_inv));
  }
  store(v, 0, bs_sq(inv));
}

}  // namespace

uint8_t decode(std::span<uint8_t, kErrorBytes> e, std::span<const uint8_t, kSyndromeBytes> c0,
               std::span<const uint8_t, kGoppaBytes> goppa,
               std::span<const uint8_t, kControlBytes> control) {
  // Every field is written before it is read.
  Workspace* const ws = &thread_workspace();

  // 1. weights 1/g(x)^2 at every field element
  ws->poly.fill(0);
  for (int i = 0; i < kT; ++i) ws->poly[i] = load_gf(goppa.data() + 2 * i);
  ws->poly[kT] = 1;
  fft_evaluate(ws->g_values, ws->poly);
  invert_squares(ws->g_values, ws->scratch);

  // 2. syndrome of r = (c0, 0, ..., 0)
  ws->received.fill(0);
  for (std::size_t i = 0; i < kSyndromeBytes; ++i)
    ws->received[i / 8] |= uint64_t{c0[i]} << (8 * (i % 8));
  ws->support.fill(0);
  for (int i = 0; i < kN / 64; ++i) ws->support[i] = ~uint64_t{0};
  BitPlane* const to_fft_order[] = {&ws->received, &ws->support};
  benes_permute_bits(to_fft_order, control, /*inverse=*/true);
  mask_values(ws->scratch, ws->g_values, ws->received);
  fft_power_sums(ws->syndrome, ws->scratch);

  // 3. error positions: zeros of the locator at support elements
  const auto locator = error_locator(std::span<const Gf, 2 * kT>(ws->syndrome.data(), 2 * kT));
  ws->poly.fill(0);
  std::copy(locator.begin(), locator.end(), ws->poly.begin());
  fft_evaluate(ws->scratch, ws->poly);
  for (std::size_t w = 0; w < kGroups; ++w) {
    uint64_t nonzero = 0;
    for (int b = 0; b < kM; ++b) nonzero |= ws->scratch.plane[b][w];
    ws->errors[w] = ~nonzero & ws->support[w];
  }

  // 4. exactly t errors whose syndrome is the received one
  const uint32_t weight = count_bits(ws->errors);
  mask_values(ws->scratch, ws->g_values, ws->errors);
  fft_power_sums(ws->check, ws->scratch);
  uint32_t diff = weight ^ kT;
  for (int j = 0; j < 2 * kT; ++j) diff |= ws->syndrome[j] ^ ws->check[j];
  const uint8_t ok = static_cast<uint8_t>(0u - ((diff - 1) >> 31));

  BitPlane* const to_support_order[] = {&ws->errors};
  benes_permute_bits(to_support_order, control, /*inverse=*/false);
  for (std::size_t i = 0; i < kErrorBytes; ++i)
    e[i] = static_cast<uint8_t>(ws->errors[i / 8] >> (8 * (i % 8)));
  crypto::secure_zero(ws, sizeof(Workspace));
  return ok;
}

}  // namespace rosenpass::kem::mceliece460896::detail
