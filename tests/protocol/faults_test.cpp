// (c) Faults simulated in memory: drop, duplicate, reorder and delay each message kind; a
// duplicated InitConf gives exactly one key event; both sides starting at once agree.
#include <gtest/gtest.h>

#include <map>

#include "sim.h"

namespace rosenpass::test {
namespace {

using Kind = KeyEvent::Kind;

struct FaultCase {
  uint8_t type;
  const char* fault;
  WireProfile profile;
};

class FaultTest : public ::testing::TestWithParam<FaultCase> {};

TEST_P(FaultTest, HandshakeSurvivesAndYieldsOneKeyPerSide) {
  const FaultCase c = GetParam();
  Node a(21), b(22);
  connect(a, b, c.profile, true);
  connect(b, a, c.profile, false);
  Sim sim(*a.server, *b.server);
  std::map<uint8_t, int> seen;
  std::string fault = c.fault;
  sim.link = [&](int, const std::vector<uint8_t>& m) -> std::vector<Timestamp> {
    int nth = seen[m[0]]++;
    if (m[0] != c.type) return {1ms};
    if (fault == "drop") return nth < 2 ? std::vector<Timestamp>{} : std::vector<Timestamp>{1ms};
    if (fault == "duplicate") return {1ms, 1ms, 30ms};
    if (fault == "delay") return {nth == 0 ? Timestamp(4s) : Timestamp(1ms)};
    // reorder: the first copy arrives after the second one.
    return {nth == 0 ? Timestamp(900ms) : Timestamp(1ms)};
  };
  sim.run_until(30s);
  EXPECT_EQ(sim.count(0, Kind::kExchanged), 1) << int(c.type) << " " << c.fault;
  EXPECT_EQ(sim.count(1, Kind::kExchanged), 1) << int(c.type) << " " << c.fault;
  EXPECT_EQ(sim.last_key(0), sim.last_key(1));
  EXPECT_FALSE(sim.last_key(0).empty());
}

std::vector<FaultCase> fault_cases() {
  std::vector<FaultCase> out;
  for (uint8_t t : {0x81, 0x82, 0x83, 0x84}) {
    for (const char* f : {"drop", "duplicate", "delay", "reorder"}) {
      for (auto p : {WireProfile::kV03, WireProfile::kV02pc}) out.push_back({t, f, p});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(EachKind, FaultTest, ::testing::ValuesIn(fault_cases()));

TEST(Faults, DuplicatedInitConfGivesExactlyOneKeyEvent) {
  Node a(23), b(24);
  connect(a, b, WireProfile::kV03, true);
  connect(b, a, WireProfile::kV03, false);
  std::array<uint8_t, 1> s{1};
  Timestamp now{};
  auto ih = a.server->poll(now).datagrams.at(0).bytes;
  auto rh = b.server->handle(ih, s, now).reply.value();
  auto ic = a.server->handle(rh, s, now).reply.value();
  auto first = b.server->handle(ic, s, now);
  ASSERT_TRUE(first.event && first.reply);
  for (int i = 0; i < 5; ++i) {
    auto again = b.server->handle(ic, s, now + std::chrono::seconds(i));
    EXPECT_FALSE(again.event);
    ASSERT_TRUE(again.reply);
    EXPECT_EQ(*again.reply, *first.reply);  // the cached EmptyData, counter 0
  }
  // The initiator accepts the cached copy; later copies are harmless.
  EXPECT_TRUE(a.server->handle(*first.reply, s, now).authenticated_peer);
  EXPECT_FALSE(a.server->handle(*first.reply, s, now).authenticated_peer);
}

TEST(Faults, LostEmptyDataIsAnsweredFromTheCache) {
  Node a(25), b(26);
  connect(a, b, WireProfile::kV02, true);
  connect(b, a, WireProfile::kV02, false);
  Sim sim(*a.server, *b.server);
  int eds = 0;
  sim.link = [&](int, const std::vector<uint8_t>& m) -> std::vector<Timestamp> {
    if (m[0] == 0x84 && eds++ < 3) return {};
    return {1ms};
  };
  sim.run_until(60s);
  EXPECT_EQ(sim.count(1, Kind::kExchanged), 1);
  EXPECT_EQ(sim.count(0, Kind::kExchanged), 1);
  EXPECT_EQ(eds, 4);  // three lost, the fourth arrived and stopped the retransmissions
}

// Both sides initiate at the same instant (the reference's "boot race"); whatever the
// latencies, they end with one and the same key.
class BootRace : public ::testing::TestWithParam<int> {};

TEST_P(BootRace, BothInitiatingEndWithTheSameKey) {
  const int seed = GetParam();
  for (auto profile : {WireProfile::kV03, WireProfile::kV02pc, WireProfile::kAuto}) {
    Node a(uint8_t(30 + seed)), b(uint8_t(60 + seed));
    connect(a, b, profile, true);
    connect(b, a, profile, true);
    Sim sim(*a.server, *b.server);
    SeededRandom jitter(seed);
    sim.link = [&](int, const std::vector<uint8_t>&) -> std::vector<Timestamp> {
      std::array<uint8_t, 1> r;
      jitter.fill(r);
      return {Timestamp(std::chrono::microseconds(100 + r[0] * 40))};
    };
    sim.run_until(15s);
    ASSERT_GE(sim.count(0, Kind::kExchanged), 1) << seed;
    ASSERT_GE(sim.count(1, Kind::kExchanged), 1) << seed;
    EXPECT_EQ(sim.last_key(0), sim.last_key(1)) << "seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, BootRace, ::testing::Range(0, 12));

TEST(Faults, RandomLossAndReorderingConverge) {
  for (int seed = 0; seed < 6; ++seed) {
    Node a(uint8_t(90 + seed)), b(uint8_t(120 + seed));
    connect(a, b, WireProfile::kV03, true);
    connect(b, a, WireProfile::kV03, true);
    Sim sim(*a.server, *b.server);
    SeededRandom r(1000 + seed);
    sim.link = [&](int, const std::vector<uint8_t>&) -> std::vector<Timestamp> {
      std::array<uint8_t, 2> x;
      r.fill(x);
      if (x[0] < 64) return {};  // 25 % loss
      std::vector<Timestamp> d{Timestamp(std::chrono::milliseconds(x[1] * 8))};
      if (x[0] > 230) d.push_back(Timestamp(std::chrono::milliseconds(x[1])));  // duplicate
      return d;
    };
    sim.run_until(100s);
    // Quiet period without loss so that the last handshake can finish.
    sim.link = [](int, const std::vector<uint8_t>&) { return std::vector<Timestamp>{1ms}; };
    sim.run_until(115s);
    ASSERT_GE(sim.count(0, Kind::kExchanged), 1) << seed;
    EXPECT_EQ(sim.last_key(0), sim.last_key(1)) << "seed " << seed;
  }
}

}  // namespace
}  // namespace rosenpass::test
