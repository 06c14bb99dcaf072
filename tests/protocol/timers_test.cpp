// (e) Timers: retransmission schedule, handshake expiry, alternating rekey roles, stale keys.
#include <gtest/gtest.h>

#include <cmath>

#include "sim.h"
#include "timing.h"

namespace rosenpass::test {
namespace {

using Kind = KeyEvent::Kind;

double seconds(Timestamp t) {
  return std::chrono::duration<double>(t).count();
}

TEST(Timers, RetransmitDelayFormula) {
  const double nominal[] = {0.5, 1, 2, 4, 8, 10, 10, 10};
  for (uint32_t k = 0; k < 8; ++k) {
    EXPECT_NEAR(seconds(timing::retransmit_delay(k, 0.0)), nominal[k] * 0.5, 1e-6) << k;
    EXPECT_NEAR(seconds(timing::retransmit_delay(k, 0.999999)), nominal[k], 1e-4) << k;
  }
}

TEST(Timers, InitHelloRetransmissionScheduleAndExpiry) {
  Node a(61), b(62);
  connect(a, b, WireProfile::kV03, true);
  Sim sim(*a.server, *b.server);
  sim.link = [](int, const std::vector<uint8_t>&) { return std::vector<Timestamp>{}; };  // lost
  sim.run_until(200s);
  std::vector<Timestamp> sends;
  std::vector<std::string> sids;
  for (const auto& s : sim.log) {
    ASSERT_EQ(s.from, 0);
    ASSERT_EQ(s.bytes[0], 0x81);
    sends.push_back(s.at);
    sids.push_back(hex(std::span(s.bytes).subspan(4, 4)));
  }
  ASSERT_GT(sends.size(), 20u);
  // Retries of the first handshake: delays in [0.5, 1) x nominal 0.5, 1, 2, 4, 8, 10, 10, ...
  const double nominal[] = {0.5, 1, 2, 4, 8};
  std::size_t k = 1;
  for (; k < sends.size() && sids[k] == sids[0]; ++k) {
    double gap = seconds(sends[k] - sends[k - 1]);
    double nom = k - 1 < 5 ? nominal[k - 1] : 10.0;
    EXPECT_GE(gap, nom * 0.5 - 0.003) << "retry " << k;
    EXPECT_LT(gap, nom + 0.003) << "retry " << k;
  }
  // The handshake expires 180 s after it began; a new one (new sidi) starts at once.
  ASSERT_LT(k, sends.size());
  EXPECT_NEAR(seconds(sends[k]), 180.0, 0.01);
  EXPECT_NE(sids[k], sids[0]);
  // The InitHello bytes other than the cookie are identical across retransmissions.
  EXPECT_EQ(hex(std::span(sim.log[0].bytes).first(1044)),
            hex(std::span(sim.log[1].bytes).first(1044)));
}

TEST(Timers, InitConfIsRetransmittedByteForByteUntilEmptyData) {
  Node a(63), b(64);
  connect(a, b, WireProfile::kV02, true);
  connect(b, a, WireProfile::kV02, false);
  Sim sim(*a.server, *b.server);
  sim.link = [](int from, const std::vector<uint8_t>& m) {
    return (from == 1 && m[0] == 0x84) ? std::vector<Timestamp>{} : std::vector<Timestamp>{1ms};
  };
  sim.run_until(20s);
  std::vector<std::vector<uint8_t>> confs;
  for (const auto& s : sim.log) {
    if (s.bytes[0] == 0x83) confs.push_back(s.bytes);
  }
  ASSERT_GE(confs.size(), 4u);
  for (const auto& c : confs) EXPECT_EQ(c, confs[0]);
  EXPECT_EQ(sim.count(1, Kind::kExchanged), 1);  // answered from the cache, one key only
}

TEST(Timers, RekeyAlternatesRolesAndKeysStayFresh) {
  Node a(65), b(66);
  connect(a, b, WireProfile::kV03, true);
  connect(b, a, WireProfile::kV03, true);
  Sim sim(*a.server, *b.server);
  sim.run_until(1000s);
  std::vector<std::pair<int, double>> hellos;  // (initiator, time)
  for (const auto& s : sim.log) {
    if (s.bytes[0] == 0x81) hellos.push_back({s.from, seconds(s.at)});
  }
  ASSERT_GE(hellos.size(), 6u);
  // The boot race at t=0 (both send); afterwards the responder of one handshake initiates
  // the next, 120 s later (its session made as responder rekeys before the other's 130 s).
  std::size_t i = 0;
  while (i < hellos.size() && hellos[i].second < 1.0) ++i;
  ASSERT_LT(i + 3, hellos.size());
  for (std::size_t j = i + 1; j < hellos.size(); ++j) {
    EXPECT_NE(hellos[j].first, hellos[j - 1].first) << "handshake " << j;
    EXPECT_NEAR(hellos[j].second - hellos[j - 1].second, 120.0, 0.1) << "handshake " << j;
  }
  EXPECT_NEAR(hellos[i].second, 120.0, 0.1);
  EXPECT_EQ(sim.count(0, Kind::kStale), 0);
  EXPECT_EQ(sim.count(1, Kind::kStale), 0);
  EXPECT_EQ(sim.last_key(0), sim.last_key(1));
  EXPECT_GE(sim.count(0, Kind::kExchanged), 8);
}

TEST(Timers, StaleAfter180SecondsWithoutAFreshKey) {
  Node a(67), b(68);
  connect(a, b, WireProfile::kV02pc, true);
  connect(b, a, WireProfile::kV02pc, true);
  Sim sim(*a.server, *b.server);
  sim.run_until(5s);
  ASSERT_EQ(sim.last_key(0), sim.last_key(1));
  std::string key = sim.last_key(0);
  Timestamp made = sim.events[0].back().at;
  sim.link = [](int, const std::vector<uint8_t>&) { return std::vector<Timestamp>{}; };
  sim.run_until(400s);
  for (int side = 0; side < 2; ++side) {
    ASSERT_EQ(sim.count(side, Kind::kStale), 1) << side;
    const Recorded* stale = nullptr;
    for (const auto& e : sim.events[side]) {
      if (e.kind == Kind::kStale) stale = &e;
    }
    EXPECT_NEAR(seconds(stale->at - made), 180.0, 0.05) << side;
    EXPECT_NE(stale->key, key);  // a random replacement key
  }
}

TEST(Timers, ResponderOnlyPeerNeverInitiates) {
  Node a(69), b(70);
  PeerHandle ab = connect(a, b, WireProfile::kV03, false);
  connect(b, a, WireProfile::kV03, false);
  Sim sim(*a.server, *b.server);
  sim.run_until(100s);
  EXPECT_TRUE(sim.log.empty());
  a.server->set_may_initiate(ab, true);
  PollResult r = a.server->poll(Timestamp(100s));
  EXPECT_EQ(r.datagrams.size(), 1u);
}

TEST(Timers, NextWakeupIsBoundedAndInTheFuture) {
  Node a(71);
  PollResult r = a.server->poll(Timestamp(5s));
  EXPECT_EQ(r.next_wakeup, Timestamp(5s) + timing::kMaxSleep);
  Node b(72);
  connect(a, b, WireProfile::kV03, true);
  r = a.server->poll(Timestamp(6s));
  ASSERT_EQ(r.datagrams.size(), 1u);
  EXPECT_GT(r.next_wakeup, Timestamp(6s));
  EXPECT_LE(r.next_wakeup, Timestamp(6s) + 500ms);
}

}  // namespace
}  // namespace rosenpass::test
