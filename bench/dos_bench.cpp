// CPU per forged datagram (docs/dos.md): a victim server with real KEMs and the test-vector
// keys, fed InitHellos with valid macs (anyone can make them: the mac key derives from the
// victim's public key) and random ciphertexts, from rotating source addresses.
//   BM_Forged/<size>/<loaded>: 1060 = V02, 1092 = legacy; loaded = the load policy is over
//   its limit (cookies required, budgets exhausted after the first second).
//   BM_ForgedNoPeerAllows: legacy InitHello when no peer uses the legacy wire.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <memory>

#include "../tests/support/forged_init_hello.h"
#include "rosenpass/protocol/server.h"

namespace {

using namespace rosenpass;
using namespace rosenpass::protocol;

std::vector<uint8_t> slurp(const std::string& name) {
  std::ifstream f(std::string(RP_TEST_DATA_DIR) + "/test-vectors/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

class Always final : public LoadPolicy {
 public:
  explicit Always(bool v) : v_(v) {}
  bool under_load(Timestamp) override { return v_; }

 private:
  bool v_;
};

struct Victim {
  Victim(bool loaded, WireProfile peer_profile) {
    pk = std::make_shared<mceliece::PublicKey>();
    auto b = slurp("peer_b_pk.bin");
    if (b.size() != pk->size()) throw std::runtime_error("test vector keys missing");
    std::copy(b.begin(), b.end(), pk->begin());
    auto other = std::make_shared<mceliece::PublicKey>();
    auto a = slurp("peer_a_pk.bin");
    std::copy(a.begin(), a.end(), other->begin());
    ServerConfig c;
    c.public_key = pk;
    c.secret_key = *mceliece::secret_key_from_bytes(slurp("peer_b_sk.bin"));
    c.load_policy = std::make_unique<Always>(loaded);
    server = Server::create(std::move(c));
    PeerConfig p;
    p.public_key = other;
    p.profile = peer_profile;
    p.may_initiate = false;
    server->add_peer(std::move(p));
  }
  std::vector<uint8_t> forge(std::size_t size) const { return test::forge_init_hello(size, *pk); }
  std::shared_ptr<mceliece::PublicKey> pk;
  std::unique_ptr<Server> server;
};

void run(benchmark::State& state, Victim& v, std::size_t size) {
  std::vector<std::vector<uint8_t>> msgs;
  for (int i = 0; i < 16; ++i) msgs.push_back(v.forge(size));
  uint32_t n = 0;
  Timestamp now{};
  for (auto _ : state) {
    std::array<uint8_t, 4> sender{10, uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)};
    now += std::chrono::microseconds(10);  // 100k datagrams/s of simulated time
    auto r = v.server->handle(msgs[n % msgs.size()], sender, now);
    benchmark::DoNotOptimize(r);
    ++n;
  }
  state.counters["answered"] =
      double(state.iterations() - v.server->dropped(DropReason::kUnderLoad) -
             v.server->dropped(DropReason::kWrongProfile) -
             v.server->dropped(DropReason::kCryptoFailure));
}

void BM_Forged(benchmark::State& state) {
  Victim v(state.range(1) != 0, WireProfile::kAuto);
  run(state, v, std::size_t(state.range(0)));
}
BENCHMARK(BM_Forged)->Args({1060, 0})->Args({1060, 1})->Args({1092, 0})->Args({1092, 1});

void BM_ForgedNoPeerAllows(benchmark::State& state) {
  Victim v(false, WireProfile::kV02);
  run(state, v, 1092);
}
BENCHMARK(BM_ForgedNoPeerAllows);

}  // namespace

