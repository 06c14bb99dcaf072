// Per-peer constants are computed once: a whole handshake (both roles) hashes a 512 KiB
// public key exactly six times, the passes that depend on the chaining key (issue 5, item 4).
#include <gtest/gtest.h>

#include "chaining_key.h"
#include "sim.h"

namespace rosenpass::test {
namespace {

TEST(Cost, AHandshakeMakesExactlySixPublicKeyPasses) {
  for (auto profile : {WireProfile::kV02, WireProfile::kV03, WireProfile::kV02pc}) {
    Node a(91), b(92);
    connect(a, b, profile, true);
    connect(b, a, profile, false);
    std::size_t pk_passes = 0, mixes = 0;
    ChainingKeyTrace count = [&](std::span<const uint8_t, 32>, std::size_t n) {
      ++mixes;
      if (n == mceliece::kPublicKeySize) ++pk_passes;
    };
    set_chaining_key_trace(&count);
    Sim sim(*a.server, *b.server);
    sim.run_until(2s);
    set_chaining_key_trace(nullptr);
    ASSERT_EQ(sim.count(0, KeyEvent::Kind::kExchanged), 1);
    EXPECT_EQ(pk_passes, 6u);
    EXPECT_GT(mixes, 30u);
  }
}

}  // namespace
}  // namespace rosenpass::test
