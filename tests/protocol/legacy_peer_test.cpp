// Behaviour towards the deployed legacy peers (protocol.md §15.9): a go-rosenpass responder
// sends EmptyData with counter 1, which our initiator must accept.
#include <gtest/gtest.h>

#include "chaining_key.h"
#include "rosenpass/crypto/aead.h"
#include "rosenpass/crypto/hash_domains.h"
#include "sim.h"

namespace rosenpass::test {
namespace {

using crypto::HashChoice;

std::vector<uint8_t> empty_data(std::span<const uint8_t, 4> sidi, uint64_t ctr,
                                std::span<const uint8_t, 32> final_ck,
                                const mceliece::PublicKey& initiator_pk) {
  const auto& d = crypto::hash_domains(HashChoice::kBlake2b);
  auto txkr = crypto::keyed_hash(HashChoice::kBlake2b, final_ck, d.responder_enc);
  std::vector<uint8_t> m(64, 0);
  m[0] = 0x84;
  std::copy(sidi.begin(), sidi.end(), m.begin() + 4);
  for (int i = 0; i < 8; ++i) m[8 + i] = uint8_t(ctr >> (8 * i));
  std::array<uint8_t, 12> nonce{};
  std::copy_n(m.begin() + 8, 8, nonce.begin());
  crypto::aead::seal(std::span(m).subspan(16, 16), txkr, nonce, {}, {});
  auto mac_key = crypto::keyed_hash(HashChoice::kBlake2b, d.mac, initiator_pk);
  auto mac = crypto::keyed_hash(HashChoice::kBlake2b, mac_key, std::span(m).first(32));
  std::copy_n(mac.begin(), 16, m.begin() + 32);
  return m;
}

TEST(LegacyPeer, InitiatorAcceptsGoRosenpassCounterOne) {
  Node a(75), b(76);
  PeerHandle ab = connect(a, b, WireProfile::kV02pc, true);
  connect(b, a, WireProfile::kV02pc, false);
  std::array<uint8_t, 1> s{1};
  Timestamp now{};
  auto ih = a.server->initiate(ab, now).value();
  auto rh = b.server->handle(ih, s, now).reply.value();
  std::array<uint8_t, 32> last_ck{};
  ChainingKeyTrace keep = [&](std::span<const uint8_t, 32> ck, std::size_t) {
    std::copy(ck.begin(), ck.end(), last_ck.begin());
  };
  set_chaining_key_trace(&keep);
  auto ic = a.server->handle(rh, s, now);
  set_chaining_key_trace(nullptr);
  ASSERT_TRUE(ic.event);
  std::span<const uint8_t, 4> sidi(ih.data() + 4, 4);

  // Wrong key material (counter 1 sealed under another ck): rejected.
  std::array<uint8_t, 32> wrong = last_ck;
  wrong[0] ^= 1;
  EXPECT_FALSE(a.server->handle(empty_data(sidi, 1, wrong, *a.keys.pk), s, now).authenticated_peer);
  // go-rosenpass's counter 1: accepted, and it ends InitConf retransmission.
  auto ok = a.server->handle(empty_data(sidi, 1, last_ck, *a.keys.pk), s, now);
  EXPECT_TRUE(ok.authenticated_peer);
  EXPECT_FALSE(ok.reply || ok.event);
  PollResult later = a.server->poll(now + std::chrono::seconds(20));
  for (const auto& d : later.datagrams) EXPECT_NE(d.bytes[0], 0x83);
}

}  // namespace
}  // namespace rosenpass::test
