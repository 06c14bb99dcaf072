// libFuzzer target: one datagram into two servers (the recorded vector's A and B, real KEMs),
// then their timers. Seeds: the recorded messages (shared/test-vectors/msg*.bin), whose macs
// are valid, so mutations reach every handler. Any crash, leak, hang or sanitizer report is a
// finding; nothing else is checked.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "rosenpass/protocol/server.h"

namespace {

using namespace rosenpass;
using namespace rosenpass::protocol;

std::vector<uint8_t> slurp(const std::string& name) {
  std::ifstream f(std::string(RP_SHARED_DIR) + "/test-vectors/" + name, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "fuzz_protocol: cannot read %s\n", name.c_str());
    std::abort();
  }
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Deterministic randomness keeps runs reproducible.
class CounterRandom final : public crypto::RandomSource {
 public:
  void fill(std::span<uint8_t> out) override {
    for (auto& b : out) {
      state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
      b = uint8_t(state_ >> 33);
    }
  }

 private:
  uint64_t state_ = 1;
};

struct World {
  CounterRandom rng;
  std::unique_ptr<Server> a, b;
  Timestamp now{};

  static std::unique_ptr<Server> make(const std::string& self, const std::string& other,
                                      CounterRandom& rng) {
    auto pk = std::make_shared<mceliece::PublicKey>();
    auto pkb = slurp("peer_" + self + "_pk.bin");
    std::copy(pkb.begin(), pkb.end(), pk->begin());
    ServerConfig c;
    c.public_key = pk;
    c.secret_key = *mceliece::secret_key_from_bytes(slurp("peer_" + self + "_sk.bin"));
    c.rng = &rng;
    c.load_policy = make_rate_load_policy(1000);
    auto s = std::make_unique<Server>(std::move(c));
    auto opk = std::make_shared<mceliece::PublicKey>();
    auto opkb = slurp("peer_" + other + "_pk.bin");
    std::copy(opkb.begin(), opkb.end(), opk->begin());
    PeerConfig p;
    p.public_key = opk;
    auto psk = slurp("values/04_psk.bin");
    p.psk = Psk::from(std::span<const uint8_t, 32>(psk.data(), 32));
    p.profile = WireProfile::kAuto;
    s->add_peer(std::move(p));
    return s;
  }
  World() : a(make("a", "b", rng)), b(make("b", "a", rng)) {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World w;
  std::span<const uint8_t> in(data, size);
  const uint8_t sender[2] = {1, 2};
  w.now += std::chrono::milliseconds(size ? data[0] : 1);
  for (Server* s : {w.b.get(), w.a.get()}) {
    HandleResult r = s->handle(in, sender, w.now);
    if (r.reply) {
      // Feed replies to the other side: reaches the states that follow a valid message.
      Server* other = s == w.b.get() ? w.a.get() : w.b.get();
      other->handle(*r.reply, sender, w.now);
    }
  }
  w.a->poll(w.now);
  w.b->poll(w.now);
  return 0;
}
