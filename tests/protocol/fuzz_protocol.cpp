// libFuzzer target: datagrams into two servers (the recorded vector's A and B, real KEMs),
// with their timers and genuine handshakes running alongside. Any crash, leak, hang or sanitizer
// report is a finding; nothing else is checked.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "rosenpass/crypto/hash_domains.h"
#include "rosenpass/crypto/keyed_hash.h"
#include "rosenpass/protocol/server.h"

namespace {

using namespace rosenpass;
using namespace rosenpass::protocol;

std::vector<uint8_t> slurp(const std::string& name) {
  std::ifstream f(std::string(RP_TEST_DATA_DIR) + "/test-vectors/" + name, std::ios::binary);
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
  std::shared_ptr<mceliece::PublicKey> pk_a = load_pk("a"), pk_b = load_pk("b");
  std::unique_ptr<Server> a, b;
  Timestamp now{};

  static std::shared_ptr<mceliece::PublicKey> load_pk(const std::string& who) {
    auto pk = std::make_shared<mceliece::PublicKey>();
    auto b = slurp("peer_" + who + "_pk.bin");
    std::copy(b.begin(), b.end(), pk->begin());
    return pk;
  }
  static std::unique_ptr<Server> make(PublicKeyRef pk, const std::string& self, PublicKeyRef opk,
                                      CounterRandom& rng) {
    ServerConfig c;
    c.public_key = pk;
    c.secret_key = *mceliece::secret_key_from_bytes(slurp("peer_" + self + "_sk.bin"));
    c.rng = &rng;
    c.load_policy = make_rate_load_policy(1000);
    auto s = Server::create(std::move(c));
    PeerConfig p;
    p.public_key = opk;
    auto psk = slurp("values/04_psk.bin");
    p.psk = Psk::from(std::span<const uint8_t, 32>(psk.data(), 32));
    p.profile = WireProfile::kAuto;
    s->add_peer(std::move(p));
    return s;
  }
  World() : a(make(pk_a, "a", pk_b, rng)), b(make(pk_b, "b", pk_a, rng)) {}
};

// Re-seals the mac for `receiver` so that mutations get past it into the handlers.
void reseal_mac(std::vector<uint8_t>& m, const mceliece::PublicKey& receiver,
                crypto::HashChoice h) {
  if (m.size() < 36) return;
  auto key = crypto::keyed_hash(h, crypto::hash_domains(h).mac, receiver);
  auto mac = crypto::keyed_hash(h, key, std::span<const uint8_t>(m).first(m.size() - 32));
  std::copy_n(mac.begin(), 16, m.end() - 32);
}

// Delivers `m` to `to`, and replies back and forth (a genuine exchange continues).
void exchange(World& w, Server* to, std::vector<uint8_t> m) {
  const uint8_t sender[2] = {1, 2};
  for (int hop = 0; hop < 4; ++hop) {
    HandleResult r = to->handle(m, sender, w.now);
    if (!r.reply) return;
    m = std::move(*r.reply);
    to = to == w.a.get() ? w.b.get() : w.a.get();
  }
}

}  // namespace

// Input: one control byte, then a datagram. Control bits 0-3: time step (x 100 ms);
// bit 4: re-seal the mac under SHAKE256, bit 5: under BLAKE2b; bit 6: deliver to A instead
// of B; bit 7: let the servers' own timers and handshakes run first.
// Seed corpus: each recorded message prefixed with a 0x00 control byte.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World w;
  if (size == 0) return 0;
  const uint8_t control = data[0];
  std::vector<uint8_t> m(data + 1, data + size);
  w.now += std::chrono::milliseconds(100 * (control & 0x0f));
  if (control & 0x80) {
    for (Server* s : {w.a.get(), w.b.get()}) {
      PollResult p = s->poll(w.now);
      Server* other = s == w.a.get() ? w.b.get() : w.a.get();
      for (auto& d : p.datagrams) exchange(w, other, std::move(d.bytes));
    }
  }
  Server* to = (control & 0x40) ? w.a.get() : w.b.get();
  const auto& pk = (control & 0x40) ? *w.pk_a : *w.pk_b;
  if (control & 0x10) reseal_mac(m, pk, crypto::HashChoice::kShake256);
  if (control & 0x20) reseal_mac(m, pk, crypto::HashChoice::kBlake2b);
  exchange(w, to, std::move(m));
  return 0;
}
