// One full handshake (InitHello .. EmptyData, both roles, real KEMs) per profile, against the
// sum of its unavoidable parts: six keyed-hash passes over a 524,160-byte public key, two
// McEliece encapsulations and two decapsulations, one Kyber512 keypair + encaps + decaps.
// BM_Ratio measures both, interleaved, in the same run and reports hs/parts as "ratio".
#include <benchmark/benchmark.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "rosenpass/crypto/keyed_hash.h"
#include "rosenpass/protocol/server.h"

namespace {

using namespace rosenpass;
using namespace rosenpass::protocol;
using Clock = std::chrono::steady_clock;

std::vector<uint8_t> slurp(const std::string& name) {
  std::ifstream f(std::string(RP_TEST_DATA_DIR) + "/test-vectors/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::shared_ptr<const mceliece::PublicKey> load_pk(const std::string& who) {
  auto pk = std::make_shared<mceliece::PublicKey>();
  auto b = slurp("peer_" + who + "_pk.bin");
  if (b.size() != pk->size()) throw std::runtime_error("test vector keys missing");
  std::copy(b.begin(), b.end(), pk->begin());
  return pk;
}

struct Pair {
  explicit Pair(WireProfile profile) {
    pk_a = load_pk("a");
    pk_b = load_pk("b");
    a = make(pk_a, "a", pk_b, profile, true);
    b = make(pk_b, "b", pk_a, profile, false);
  }
  static std::unique_ptr<Server> make(PublicKeyRef self, const std::string& who, PublicKeyRef other,
                                      WireProfile profile, bool init) {
    ServerConfig c;
    c.public_key = self;
    c.secret_key = *mceliece::secret_key_from_bytes(slurp("peer_" + who + "_sk.bin"));
    c.load_policy = make_never_under_load();
    auto s = Server::create(std::move(c));
    PeerConfig p;
    p.public_key = other;
    p.profile = profile;
    p.may_initiate = init;
    s->add_peer(std::move(p));
    return s;
  }
  // InitHello -> RespHello -> InitConf -> EmptyData -> done.
  void handshake() {
    const uint8_t sender[1] = {1};
    now += std::chrono::seconds(1);
    auto ih = a->initiate(PeerHandle{0}, now);
    auto rh = b->handle(*ih, sender, now);
    auto ic = a->handle(*rh.reply, sender, now);
    auto ed = b->handle(*ic.reply, sender, now);
    auto done = a->handle(*ed.reply, sender, now);
    if (!ic.event || !ed.event || !done.authenticated_peer) throw std::runtime_error("handshake");
  }
  PublicKeyRef pk_a, pk_b;
  std::unique_ptr<Server> a, b;
  Timestamp now{};
};

struct Parts {
  explicit Parts(WireProfile profile)
      : legacy(profile == WireProfile::kV02pc),
        hash(profile == WireProfile::kV03 ? crypto::HashChoice::kShake256
                                          : crypto::HashChoice::kBlake2b),
        pk(load_pk("a")),
        sk(*mceliece::secret_key_from_bytes(slurp("peer_a_sk.bin"))) {}
  void run() {
    auto& rng = crypto::system_random();
    std::array<uint8_t, 32> key{}, out;
    for (int i = 0; i < 6; ++i) {
      crypto::keyed_hash(hash, key, *pk, out);
      key[0] ^= out[0];
    }
    mceliece::SharedKey ss;
    for (int i = 0; i < 2; ++i) {
      if (legacy) {
        mceliece::ConfirmedCiphertext ct;
        mceliece::encaps_confirmed(ct, ss, *pk, rng);
        mceliece::decaps_confirmed(ss, ct, sk);
      } else {
        mceliece::Ciphertext ct;
        mceliece::encaps(ct, ss, *pk, rng);
        mceliece::decaps(ss, ct, sk);
      }
    }
    kyber::PublicKey kpk;
    kyber::SecretKey ksk;
    kyber::Ciphertext kct;
    kyber::SharedKey kss;
    kyber::keypair(kpk, ksk, rng);
    kyber::encaps(kct, kss, kpk, rng);
    kyber::decaps(kss, kct, ksk);
    benchmark::DoNotOptimize(out.data());
  }
  bool legacy;
  crypto::HashChoice hash;
  PublicKeyRef pk;
  mceliece::SecretKey sk;
};

WireProfile profile_of(int64_t i) {
  return std::array{WireProfile::kV02, WireProfile::kV03, WireProfile::kV02pc}[i];
}
const char* name_of(int64_t i) {
  return std::array{"V02", "V03", "V02-pc"}[i];
}

void BM_Handshake(benchmark::State& state) {
  Pair p(profile_of(state.range(0)));
  state.SetLabel(name_of(state.range(0)));
  for (auto _ : state) p.handshake();
  state.counters["handshakes/s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Handshake)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_UnavoidableParts(benchmark::State& state) {
  Parts parts(profile_of(state.range(0)));
  state.SetLabel(name_of(state.range(0)));
  for (auto _ : state) parts.run();
}
BENCHMARK(BM_UnavoidableParts)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Interleaved, so that both see the same machine load.
void BM_Ratio(benchmark::State& state) {
  Pair p(profile_of(state.range(0)));
  Parts parts(profile_of(state.range(0)));
  state.SetLabel(name_of(state.range(0)));
  Clock::duration hs{}, unavoidable{};
  for (auto _ : state) {
    auto t0 = Clock::now();
    p.handshake();
    auto t1 = Clock::now();
    parts.run();
    auto t2 = Clock::now();
    hs += t1 - t0;
    unavoidable += t2 - t1;
  }
  state.counters["ratio"] = double(hs.count()) / double(unavoidable.count());
  state.counters["hs_ms"] =
      std::chrono::duration<double, std::milli>(hs).count() / double(state.iterations());
  state.counters["parts_ms"] =
      std::chrono::duration<double, std::milli>(unavoidable).count() / double(state.iterations());
}
BENCHMARK(BM_Ratio)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace
