// (b) In-memory handshakes per wire profile, auto against each fixed profile, many peers.
#include <gtest/gtest.h>

#include "sim.h"

namespace rosenpass::test {
namespace {

using Kind = KeyEvent::Kind;

std::size_t size_of_type(const Sim& sim, uint8_t type) {
  for (const auto& s : sim.log) {
    if (s.bytes[0] == type) return s.bytes.size();
  }
  return 0;
}

class ProfileTest : public ::testing::TestWithParam<WireProfile> {};

TEST_P(ProfileTest, HandshakeAgreesOnOneKey) {
  Node a(1), b(2);
  connect(a, b, GetParam(), true);
  connect(b, a, GetParam(), false);
  Sim sim(*a.server, *b.server);
  sim.run_until(5s);
  ASSERT_EQ(sim.count(0, Kind::kExchanged), 1);
  ASSERT_EQ(sim.count(1, Kind::kExchanged), 1);
  EXPECT_EQ(sim.last_key(0), sim.last_key(1));
  EXPECT_EQ(sim.last_key(0).size(), 64u);
  bool legacy = GetParam() == WireProfile::kV02pc;
  EXPECT_EQ(size_of_type(sim, 0x81), legacy ? 1092u : 1060u);
  EXPECT_EQ(size_of_type(sim, 0x82), legacy ? 1132u : 1100u);
  EXPECT_EQ(size_of_type(sim, 0x83), 176u);
  EXPECT_EQ(size_of_type(sim, 0x84), 64u);
  EXPECT_EQ(sim.log.size(), 4u);  // no retransmission was needed
}

INSTANTIATE_TEST_SUITE_P(Profiles, ProfileTest,
                         ::testing::Values(WireProfile::kV02, WireProfile::kV03,
                                           WireProfile::kV02pc));

TEST(Handshake, ProfilesGiveDifferentKeys) {
  std::vector<std::string> keys;
  for (auto p : {WireProfile::kV02, WireProfile::kV03, WireProfile::kV02pc}) {
    Node a(1), b(2);
    connect(a, b, p, true);
    connect(b, a, p, false);
    Sim sim(*a.server, *b.server);
    sim.run_until(2s);
    keys.push_back(sim.last_key(0));
  }
  EXPECT_NE(keys[0], keys[1]);  // BLAKE2b vs SHAKE256
  EXPECT_NE(keys[0], keys[2]);  // different ciphertexts and randomness
}

class AutoTest : public ::testing::TestWithParam<WireProfile> {};

TEST_P(AutoTest, AutoInitiatorFindsTheResponderProfile) {
  Node a(3), b(4);
  PeerHandle ab = connect(a, b, WireProfile::kAuto, true);
  connect(b, a, GetParam(), false);
  Sim sim(*a.server, *b.server);
  sim.run_until(60s);
  ASSERT_GE(sim.count(0, Kind::kExchanged), 1);
  ASSERT_GE(sim.count(1, Kind::kExchanged), 1);
  EXPECT_EQ(sim.last_key(0), sim.last_key(1));
  EXPECT_EQ(a.server->active_profile(ab), GetParam());
  // Keeps what worked: the next handshake (rekey) uses it directly.
  std::size_t hellos_before = sim.log.size();
  sim.run_until(200s);
  EXPECT_EQ(a.server->active_profile(ab), GetParam());
  EXPECT_GT(sim.log.size(), hellos_before);
  EXPECT_EQ(sim.last_key(0), sim.last_key(1));
}

TEST_P(AutoTest, FixedInitiatorToAutoResponder) {
  Node a(5), b(6);
  connect(a, b, GetParam(), true);
  connect(b, a, WireProfile::kAuto, false);
  Sim sim(*a.server, *b.server);
  sim.run_until(5s);
  ASSERT_EQ(sim.count(0, Kind::kExchanged), 1);
  ASSERT_EQ(sim.count(1, Kind::kExchanged), 1);
  EXPECT_EQ(sim.last_key(0), sim.last_key(1));
}

INSTANTIATE_TEST_SUITE_P(Profiles, AutoTest,
                         ::testing::Values(WireProfile::kV02, WireProfile::kV03,
                                           WireProfile::kV02pc));

TEST(Handshake, FixedResponderRejectsOtherProfiles) {
  for (auto theirs : {WireProfile::kV02, WireProfile::kV02pc}) {
    Node a(7), b(8);
    connect(a, b, theirs, true);
    connect(b, a, WireProfile::kV03, false);
    Sim sim(*a.server, *b.server);
    sim.run_until(10s);
    EXPECT_EQ(sim.count(0, Kind::kExchanged), 0);
    EXPECT_EQ(sim.count(1, Kind::kExchanged), 0);
    // V02 InitHellos to a V03-only responder find no BLAKE2b peer id; never a reply.
    for (const auto& s : sim.log) EXPECT_EQ(s.from, 0);
  }
}

TEST(Handshake, CustomOskLabelsChangeTheKey) {
  std::string keys[2];
  for (int custom = 0; custom < 2; ++custom) {
    Node a(9), b(10);
    std::optional<OskDomain> osk;
    if (custom) osk = OskDomain{"example.org", {"my", "labels"}};
    connect(a, b, WireProfile::kV03, true, osk);
    connect(b, a, WireProfile::kV03, false, osk);
    Sim sim(*a.server, *b.server);
    sim.run_until(2s);
    ASSERT_EQ(sim.last_key(0), sim.last_key(1));
    keys[custom] = sim.last_key(0);
  }
  EXPECT_NE(keys[0], keys[1]);
}

TEST(Handshake, DuplicatePeerIsRejected) {
  Node a(11), b(12);
  connect(a, b, WireProfile::kV03, true);
  PeerConfig again;
  again.public_key = b.keys.pk;
  again.profile = WireProfile::kV03;
  EXPECT_FALSE(a.server->add_peer(std::move(again)).has_value());
  EXPECT_FALSE(a.server->add_peer(PeerConfig{}).has_value());
}

TEST(Handshake, ManyPeersOnOneServer) {
  constexpr int kPeers = 24;
  Node hub(100);
  std::vector<std::unique_ptr<Node>> spokes;
  std::vector<PeerHandle> at_hub;
  for (int i = 0; i < kPeers; ++i) {
    spokes.push_back(std::make_unique<Node>(uint8_t(110 + i)));
    auto profile = std::array{WireProfile::kV02, WireProfile::kV03, WireProfile::kV02pc}[i % 3];
    at_hub.push_back(connect(hub, *spokes.back(), WireProfile::kAuto, false));
    connect(*spokes.back(), hub, profile, true);
  }
  EXPECT_EQ(hub.server->peer_count(), std::size_t(kPeers));
  std::vector<std::string> hub_keys(kPeers);
  std::array<uint8_t, 1> sender{7};
  Timestamp now{};
  for (int i = 0; i < kPeers; ++i) {
    Server& s = *spokes[i]->server;
    auto ih = s.poll(now).datagrams.at(0).bytes;
    auto rh = hub.server->handle(ih, sender, now);
    ASSERT_TRUE(rh.reply) << i;
    auto ic = s.handle(*rh.reply, sender, now);
    ASSERT_TRUE(ic.reply && ic.event) << i;
    auto ed = hub.server->handle(*ic.reply, sender, now);
    ASSERT_TRUE(ed.reply && ed.event) << i;
    EXPECT_EQ(ed.event->peer, at_hub[i]);
    EXPECT_EQ(*ed.authenticated_peer, at_hub[i]);
    EXPECT_EQ(hex(ed.event->key.reveal()), hex(ic.event->key.reveal()));
    hub_keys[i] = hex(ed.event->key.reveal());
    auto done = s.handle(*ed.reply, sender, now);
    EXPECT_FALSE(done.reply);
    EXPECT_TRUE(done.authenticated_peer);
  }
  std::sort(hub_keys.begin(), hub_keys.end());
  EXPECT_EQ(std::unique(hub_keys.begin(), hub_keys.end()), hub_keys.end());
}

}  // namespace
}  // namespace rosenpass::test
