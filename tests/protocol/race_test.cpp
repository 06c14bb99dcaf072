// Simultaneous starts, roaming, wrong endpoints and replayed InitHellos (#17 item 4, #16):
// a working path always wins, and two starts never end with different keys; a first exchange
// gives exactly one key on each side.
#include <gtest/gtest.h>

#include "sim.h"

namespace rosenpass::test {
namespace {

using Kind = KeyEvent::Kind;

constexpr std::array<WireProfile, 4> kProfiles = {WireProfile::kV02, WireProfile::kV03,
                                                  WireProfile::kV02pc, WireProfile::kAuto};

uint32_t draw(SeededRandom& r, uint32_t below) {
  std::array<uint8_t, 4> b;
  r.fill(b);
  return (uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24) % below;
}

// Thousands of simultaneous starts: random start offsets (0-300 ms, either side first) and
// random latency per datagram (0.1-40 ms, so messages overtake each other), all four
// profiles, both key orders. Each side emits exactly one key, the same; nothing is counted as
// a replay.
// Sharded so that ctest -j spreads them; RP_RACE_RUNS raises the count per shard (250).
class SimultaneousStarts : public ::testing::TestWithParam<int> {};

TEST_P(SimultaneousStarts, GiveOneAndTheSameKeyOnEachSide) {
  const char* env = std::getenv("RP_RACE_RUNS");
  const int per_shard = env ? std::atoi(env) : 250;
  int failures = 0;
  for (int run = GetParam() * 100000; run < GetParam() * 100000 + per_shard && failures < 5;
       ++run) {
    SeededRandom r(7000 + run);
    const WireProfile profile = kProfiles[run % kProfiles.size()];
    // Alternate which side's key sorts higher.
    Node a(uint8_t(run % 2 ? 1 : 2), make_never_under_load(), 10000 + run);
    Node b(uint8_t(run % 2 ? 2 : 1), make_never_under_load(), 20000 + run);
    connect(a, b, profile, true);
    connect(b, a, profile, true);
    Sim sim(*a.server, *b.server);
    sim.start[0] = Timestamp(std::chrono::microseconds(draw(r, 300000)));
    sim.start[1] = Timestamp(std::chrono::microseconds(draw(r, 300000)));
    sim.link = [&](int, const std::vector<uint8_t>&) -> std::vector<Timestamp> {
      return {Timestamp(std::chrono::microseconds(100 + draw(r, 40000)))};
    };
    sim.run_until(30s);
    const bool ok = sim.count(0, Kind::kExchanged) == 1 && sim.count(1, Kind::kExchanged) == 1 &&
                    sim.last_key(0) == sim.last_key(1) &&
                    a.server->dropped(DropReason::kReplay) == 0 &&
                    b.server->dropped(DropReason::kReplay) == 0;
    if (!ok) {
      ++failures;
      ADD_FAILURE() << "run " << run << " profile " << int(profile) << ": keys "
                    << sim.count(0, Kind::kExchanged) << "/" << sim.count(1, Kind::kExchanged)
                    << (sim.last_key(0) == sim.last_key(1) ? " equal" : " DIFFERENT")
                    << ", replays " << a.server->dropped(DropReason::kReplay) << "/"
                    << b.server->dropped(DropReason::kReplay);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shards, SimultaneousStarts, ::testing::Range(0, 4));

// Simultaneous starts with loss, duplicates and long delays: both sides may emit more than
// one key, but they always end with the same one.
TEST(Races, LossyStartsAlwaysEndWithTheSameKey) {
  for (int run = 0; run < 120; ++run) {
    if (const char* only = std::getenv("RP_RACE_RUN"); only && std::atoi(only) != run) continue;
    SeededRandom r(90000 + run);
    Node a(uint8_t(run % 2 ? 3 : 4), make_never_under_load(), 30000 + run);
    Node b(uint8_t(run % 2 ? 4 : 3), make_never_under_load(), 40000 + run);
    const WireProfile profile = kProfiles[run % kProfiles.size()];
    connect(a, b, profile, true);
    connect(b, a, profile, true);
    Sim sim(*a.server, *b.server);
    sim.start[1] = Timestamp(std::chrono::milliseconds(draw(r, 2000)));
    sim.link = [&](int, const std::vector<uint8_t>&) -> std::vector<Timestamp> {
      uint32_t x = draw(r, 100);
      if (x < 25) return {};
      std::vector<Timestamp> d{Timestamp(std::chrono::milliseconds(1 + draw(r, 1500)))};
      if (x > 90) d.push_back(Timestamp(std::chrono::milliseconds(1 + draw(r, 1500))));
      return d;
    };
    sim.run_until(60s);
    sim.link = [](int, const std::vector<uint8_t>&) { return std::vector<Timestamp>{1ms}; };
    sim.run_until(75s);
    ASSERT_GE(sim.count(0, Kind::kExchanged), 1) << run;
    if (sim.last_key(0) != sim.last_key(1) && std::getenv("RP_RACE_TRACE")) {
      for (const auto& m : sim.log) {
        std::printf("%8.3f %d->%d type %02x len %zu\n", std::chrono::duration<double>(m.at).count(),
                    m.from, 1 - m.from, m.bytes[0], m.bytes.size());
      }
      for (int i = 0; i < 2; ++i) {
        for (const auto& e : sim.events[i]) {
          std::printf("node %d key %s at %.3f\n", i, e.key.substr(0, 8).c_str(),
                      std::chrono::duration<double>(e.at).count());
        }
      }
      std::printf("wins: a %d\n", run % 2);
    }
    ASSERT_EQ(sim.last_key(0), sim.last_key(1)) << "run " << run;
  }
}

// One side's endpoint for the other is wrong from the start (a typo, NAT): whatever the key
// order, the working direction keys both sides within seconds, and the side with the wrong
// endpoint learns the right one.
TEST(Races, WrongEndpointOnEitherSideKeysWithinSeconds) {
  for (int wrong = 0; wrong < 2; ++wrong) {
    for (int order = 0; order < 2; ++order) {
      for (WireProfile profile : kProfiles) {
        Node a(uint8_t(order ? 5 : 6)), b(uint8_t(order ? 6 : 5));
        connect(a, b, profile, true);
        connect(b, a, profile, true);
        Sim sim(*a.server, *b.server);
        sim.endpoint_ok[wrong] = false;
        sim.run_until(10s);
        const std::string what = "wrong endpoint at " + std::to_string(wrong) + ", order " +
                                 std::to_string(order) + ", profile " +
                                 std::to_string(int(profile));
        ASSERT_EQ(sim.count(0, Kind::kExchanged), 1) << what;
        ASSERT_EQ(sim.count(1, Kind::kExchanged), 1) << what;
        EXPECT_EQ(sim.last_key(0), sim.last_key(1)) << what;
        EXPECT_TRUE(sim.endpoint_ok[wrong]) << what;  // moved by the authenticated exchange
      }
    }
  }
}

// A keyed pair; then one side roams (the other's endpoint for it goes stale). The next rekey
// still succeeds long before the session goes stale, whichever side roamed.
TEST(Races, RoamingSideIsRekeyedBeforeTheSessionGoesStale) {
  for (int roamer = 0; roamer < 2; ++roamer) {
    for (int order = 0; order < 2; ++order) {
      Node a(uint8_t(order ? 7 : 8)), b(uint8_t(order ? 8 : 7));
      connect(a, b, WireProfile::kV02, true);
      connect(b, a, WireProfile::kV02, true);
      Sim sim(*a.server, *b.server);
      sim.run_until(60s);
      ASSERT_EQ(sim.count(0, Kind::kExchanged), 1);
      sim.endpoint_ok[1 - roamer] = false;  // the roamer's peer sends to its old address
      for (int round = 0; round < 5; ++round) {
        sim.run_until(sim.now + 150s);
        EXPECT_EQ(sim.last_key(0), sim.last_key(1)) << roamer << order << " round " << round;
        if (round == 0) sim.endpoint_ok[1 - roamer] = false;  // and it roams again
      }
      EXPECT_EQ(sim.count(0, Kind::kStale), 0) << "roamer " << roamer << " order " << order;
      EXPECT_EQ(sim.count(1, Kind::kStale), 0) << "roamer " << roamer << " order " << order;
      EXPECT_GE(sim.count(0, Kind::kExchanged), 5);
    }
  }
}

// A captured InitHello replayed every 100 ms (and the replaying side's peer with a wrong
// endpoint, the worst case): keying goes on at the normal rekey pace, never stale.
TEST(Races, ReplayedInitHelloDoesNotBlockKeying) {
  for (int victim = 0; victim < 2; ++victim) {
    for (int order = 0; order < 2; ++order) {
      Node a(uint8_t(order ? 9 : 10)), b(uint8_t(order ? 10 : 9));
      connect(a, b, WireProfile::kV03, true);
      connect(b, a, WireProfile::kV03, true);
      Sim sim(*a.server, *b.server);
      sim.run_until(5s);
      std::vector<uint8_t> captured;
      for (const auto& s : sim.log) {
        if (s.from == 1 - victim && s.bytes[0] == 0x81) captured = s.bytes;
      }
      ASSERT_FALSE(captured.empty());
      sim.endpoint_ok[victim] = false;
      const int before = sim.count(victim, Kind::kExchanged);
      for (int i = 0; i < 1500; ++i) {  // 150 s: past the first rekey
        sim.inject(victim, captured);
        sim.run_until(sim.now + 100ms);
      }
      const std::string what = "victim " + std::to_string(victim) + " order " +
                               std::to_string(order);
      EXPECT_EQ(sim.count(0, Kind::kStale), 0) << what;
      EXPECT_EQ(sim.count(1, Kind::kStale), 0) << what;
      EXPECT_GE(sim.count(victim, Kind::kExchanged) - before, 1) << what;  // the rekey
      EXPECT_EQ(sim.last_key(0), sim.last_key(1)) << what;
    }
  }
}

}  // namespace
}  // namespace rosenpass::test
