// Rejection sampling. Key generation and FixedWeight test random values and draw again when
// a test fails; whether it failed is the only secret-derived fact they branch on, and it says
// nothing about the values that are kept. Every such branch goes through rejected(), so the
// constant-time check (tests/mceliece/ct_check.supp) can allow exactly these and no others.
#pragma once

#include <cstdint>

namespace rosenpass::kem::mceliece460896::detail {

// True iff `failed` is nonzero. Not inlined, so the branch on it happens here.
[[gnu::noinline]] bool rejected(uint64_t failed) noexcept;

}  // namespace rosenpass::kem::mceliece460896::detail
