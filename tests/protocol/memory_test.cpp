// Per-peer memory besides the shared public key must stay within 4 KiB, also while a
// handshake is in flight (issue 5, item 7).
#include <gtest/gtest.h>

#include <bit>

#include "server_impl.h"
#include "sim.h"

namespace rosenpass::test {
namespace {

// The secret allocator hands out power-of-two slots of at least 32 bytes.
std::size_t secret_slot(std::size_t n) {
  return std::bit_ceil(std::max<std::size_t>(n, 32));
}

TEST(Memory, PerPeerStateIsAtMostFourKiB) {
  constexpr std::size_t kNodeOverhead = 48;  // red-black tree / hash node bookkeeping
  std::size_t peer = sizeof(Peer) + secret_slot(32) /* psk */;
  std::size_t handshake = sizeof(InitiatorHandshake) + secret_slot(kEskiSecretPartSize) +
                          secret_slot(32) /* ck */ + secret_slot(16) /* cookie value */ +
                          secret_slot(32) /* txkt */ + wire::kInitHelloLegacySize /* tx */;
  std::size_t indexes = 2 * (sizeof(std::pair<const HashValue, uint32_t>) + kNodeOverhead) +
                        2 * (sizeof(std::pair<const uint32_t, uint32_t>) + kNodeOverhead) +
                        sizeof(std::unique_ptr<Peer>);
  std::size_t total = peer + handshake + indexes;
  RecordProperty("bytes_per_peer", std::to_string(total));
  std::printf("per-peer bound: %zu bytes (peer %zu, handshake %zu, indexes %zu)\n", total, peer,
              handshake, indexes);
  EXPECT_LE(total, 4096u);
}

TEST(Memory, PublicKeysAreSharedNotCopied) {
  Node a(81), b(82);
  long before = b.keys.pk.use_count();
  connect(a, b, WireProfile::kV03, true);
  EXPECT_EQ(b.keys.pk.use_count(), before + 1);  // the server holds a reference, no copy
}

}  // namespace
}  // namespace rosenpass::test
