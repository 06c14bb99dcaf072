// Legitimate time-to-key and the victim daemon's CPU share under forged InitHello floods
// (docs/dos.md; #17): the real `rosenpass` daemon in a private network namespace (root),
// forged legacy (1092-byte), V02 and V03 (1060-byte) InitHellos with valid macs from 500
// source addresses at 3k/s, 30k/s and line rate (one sender thread); after 1.5 s of flood the
// legitimate peer starts (tests/support/flood_scenario.h). One iteration per case; the
// reported time is the time-to-key (15 s = none within the limit), counters carry the rest.
//   bench/flood.sh [build-dir]
#include <benchmark/benchmark.h>

#include "../tests/support/flood_scenario.h"

namespace {

using namespace rosenpass;
using namespace rosenpass::test;

FloodScenario* scenario() {
  static FloodScenario* s = enter_private_netns() ? new FloodScenario : nullptr;
  return s;
}

void BM_Flood(benchmark::State& state) {
  if (::geteuid() != 0 || !scenario()) {
    state.SkipWithError("needs root for a network namespace");
    return;
  }
  if (!scenario()->error().empty()) {
    state.SkipWithError(scenario()->error().c_str());
    return;
  }
  const int wire = int(state.range(0));  // 0 legacy, 1 V02, 2 V03
  const int rate = int(state.range(1));  // 0 = line rate
  const std::size_t size = wire == 0 ? 1092 : 1060;
  const auto hash = wire == 2 ? crypto::HashChoice::kShake256 : crypto::HashChoice::kBlake2b;
  constexpr double kLimit = 15;
  for (auto _ : state) {
    auto o = scenario()->run(size, hash, rate, std::chrono::seconds(int(kLimit)));
    state.SetIterationTime(o.seconds_to_key < 0 ? kLimit : o.seconds_to_key);
    state.counters["keyed"] = o.seconds_to_key >= 0;
    state.counters["time_to_key_s"] = o.seconds_to_key;
    state.counters["victim_cpu_pct"] = o.victim_cpu * 100;
    state.counters["sent_per_s"] = o.sent_per_second;
    state.counters["victim_alive"] = o.victim_survived;
  }
  state.SetLabel(std::string(wire == 0 ? "legacy" : wire == 1 ? "V02" : "V03") + " " +
                 (rate ? std::to_string(rate) + "/s" : "line rate"));
}
BENCHMARK(BM_Flood)
    ->ArgsProduct({{0, 1, 2}, {3000, 30000, 0}})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
