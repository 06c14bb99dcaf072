// Attacks on the protocol core (#17 items 1, 2, 5-9): work under load is bounded on every
// wire, replayed InitConfs and forged CookieReplies move or reflect nothing, and an `auto`
// peer learns its wire only from authenticated exchanges.
#include <gtest/gtest.h>

#include <atomic>

#include "cookies.h"
#include "dos_guard.h"
#include "rosenpass/crypto/aead.h"
#include "rosenpass/crypto/hash_domains.h"
#include "sim.h"

namespace rosenpass::test {
namespace {

using Bytes = std::vector<uint8_t>;
using Kind = KeyEvent::Kind;

class AlwaysLoaded final : public LoadPolicy {
 public:
  bool under_load(Timestamp) override { return true; }
};

// Counts static decapsulations (the McEliece work an attacker wants to buy).
class CountingKems final : public KemSuite {
 public:
  void ephemeral_keypair(kyber::PublicKey& pk, kyber::SecretKey& sk,
                         crypto::RandomSource& rng) const override {
    fake_kems().ephemeral_keypair(pk, sk, rng);
  }
  void ephemeral_encaps(kyber::Ciphertext& ct, kyber::SharedKey& shk,
                        std::span<const uint8_t, kyber::kPublicKeySize> pk,
                        crypto::RandomSource& rng) const override {
    fake_kems().ephemeral_encaps(ct, shk, pk, rng);
  }
  void ephemeral_decaps(kyber::SharedKey& shk, std::span<const uint8_t, kyber::kCiphertextSize> ct,
                        const kyber::SecretKey& sk) const override {
    ++decaps;
    fake_kems().ephemeral_decaps(shk, ct, sk);
  }
  void static_encaps(std::span<uint8_t> ct, mceliece::SharedKey& shk, mceliece::PublicKeyView pk,
                     crypto::RandomSource& rng) const override {
    fake_kems().static_encaps(ct, shk, pk, rng);
  }
  void static_decaps(mceliece::SharedKey& shk, std::span<const uint8_t> ct,
                     const mceliece::SecretKey& sk) const override {
    ++decaps;
    fake_kems().static_decaps(shk, ct, sk);
  }
  mutable std::atomic<int> decaps{0};
};

// A server with its own KEM counter; `pk_of` lets a forger claim another node's public key
// (an InitHello needs only public values and the PSK).
struct Counted {
  Counted(uint8_t seed, std::unique_ptr<LoadPolicy> load, const Node* pk_of = nullptr)
      : keys(fake_static_keys(seed)), rng(seed) {
    ServerConfig c;
    c.public_key = pk_of ? pk_of->keys.pk : keys.pk;
    c.secret_key = std::move(keys.sk);
    c.rng = &rng;
    c.kems = &kems;
    c.load_policy = std::move(load);
    server = Server::create(std::move(c));
  }
  FakeStaticKeys keys;
  SeededRandom rng;
  CountingKems kems;
  std::unique_ptr<Server> server;
};

PeerHandle add(Server& s, PublicKeyRef pk, WireProfile profile, bool may_initiate) {
  PeerConfig pc;
  pc.public_key = std::move(pk);
  pc.profile = profile;
  pc.may_initiate = may_initiate;
  return *s.add_peer(std::move(pc));  // no PSK: the forgeable case
}

std::array<uint8_t, 4> addr(uint32_t i) {
  return {10, uint8_t(i >> 16), uint8_t(i >> 8), uint8_t(i)};
}

// ---- item 2 ----

TEST(Endpoint, ReplayedInitConfIsAnsweredButNotAuthenticated) {
  Node a(131), b(132);
  connect(a, b, WireProfile::kV02, true);
  connect(b, a, WireProfile::kV02, false);
  Timestamp now{};
  auto from_a = addr(1), attacker = addr(666);
  Bytes ih = a.server->poll(now).datagrams.at(0).bytes;
  Bytes rh = *b.server->handle(ih, from_a, now).reply;
  Bytes ic = *a.server->handle(rh, from_a, now).reply;
  auto first = b.server->handle(ic, from_a, now);
  ASSERT_TRUE(first.event && first.authenticated_peer);
  auto replayed = b.server->handle(ic, attacker, now + 1s);
  ASSERT_TRUE(replayed.reply);  // the cached EmptyData, so a lost one is recovered
  EXPECT_EQ(*replayed.reply, *first.reply);
  EXPECT_FALSE(replayed.event);
  EXPECT_FALSE(replayed.authenticated_peer);  // the endpoint must not move to the replayer
}

// ---- item 7 ----

// A valid CookieReply needs only public values (the responder's public key, the InitHello's
// mac seen on the wire): anyone can make one with any cookie value.
Bytes forge_cookie_reply(const Bytes& init_hello, const Node& responder, uint8_t fill) {
  namespace cr = wire::cookie_reply;
  Bytes out(wire::kCookieReplySize, fill);
  out[0] = wire::kTypeCookieReply;
  std::copy_n(init_hello.begin() + wire::kHeaderSize, wire::kSidSize, out.begin() + cr::kSid);
  std::array<uint8_t, kCookieValueSize> value;
  value.fill(fill);
  auto key = cookie_reply_key(*responder.keys.pk);
  std::span<const uint8_t> ih(init_hello);
  crypto::xaead::seal(std::span(out).subspan(cr::kCookieCt, cr::kCookieCtSize), key,
                      wire::field<wire::kBiscuitNonceSize>(std::span(out), cr::kNonce), value,
                      ih.subspan(wire::mac_offset(ih.size()), wire::kMacSize));
  return out;
}

TEST(CookieReply, ForgedCopiesReflectNothingAndDoNotMultiplyTransmissions) {
  Node a(133), b(134);
  connect(a, b, WireProfile::kV03, true);
  connect(b, a, WireProfile::kV03, false);
  Timestamp now{};
  Bytes ih = a.server->poll(now).datagrams.at(0).bytes;
  int reflected = 0, sent = 0;
  for (int i = 0; i < 100; ++i) {
    auto r = a.server->handle(forge_cookie_reply(ih, b, uint8_t(i)), addr(1000 + i), now);
    if (r.reply) ++reflected;
    sent += int(a.server->poll(now).datagrams.size());
  }
  EXPECT_EQ(reflected, 0);  // never an InitHello to the CookieReply's source
  EXPECT_LE(sent, 1);       // one hurried retransmission to the peer, not a hundred
  // And the back-off is not sped up: over 60 s, no more InitHellos than without forgeries.
  Node c(133), d(134);
  connect(c, d, WireProfile::kV03, true);
  int hurried = 0, plain = 0;
  for (Timestamp t{}; t < 60s; t += 50ms) {
    auto r = a.server->poll(t);
    hurried += int(r.datagrams.size());
    for (auto& m : r.datagrams) a.server->handle(forge_cookie_reply(m.bytes, b, 1), addr(9), t);
    plain += int(c.server->poll(t).datagrams.size());
  }
  EXPECT_LE(hurried, 2 * plain + 2);
}

// ---- items 1, 5, 6 ----

TEST(Load, LegacyInitHellosFromManySourcesAreBounded) {
  Node a(135);
  Counted b(136, std::make_unique<AlwaysLoaded>());
  add(*a.server, b.keys.pk, WireProfile::kV02pc, true);
  add(*b.server, a.keys.pk, WireProfile::kV02pc, false);
  Bytes ih = a.server->poll(Timestamp{}).datagrams.at(0).bytes;
  ASSERT_EQ(ih.size(), 1092u);
  int answered = 0;
  for (uint32_t i = 0; i < 1000; ++i) {  // 1000 copies from 1000 addresses within 100 ms
    if (b.server->handle(ih, addr(i), Timestamp(std::chrono::microseconds(i * 100))).reply) {
      ++answered;
    }
  }
  const int budget = int(WorkLimiter::kClassRate[2]) + 1;
  EXPECT_LE(answered, budget);
  EXPECT_LE(b.kems.decaps.load(), budget);
  EXPECT_GE(b.server->dropped(DropReason::kUnderLoad), 1000u - budget);
}

TEST(Load, InitHellosWithAValidCookieAreBoundedPerSource) {
  Node a(137);
  Counted b(138, std::make_unique<AlwaysLoaded>());
  add(*a.server, b.keys.pk, WireProfile::kV02, true);
  add(*b.server, a.keys.pk, WireProfile::kV02, false);
  auto src = addr(77);
  Bytes ih = a.server->poll(Timestamp{}).datagrams.at(0).bytes;
  Bytes cr = *b.server->handle(ih, src, Timestamp{}).reply;
  ASSERT_EQ(cr[0], 0x86);
  a.server->handle(cr, src, Timestamp{});
  Bytes with_cookie = a.server->poll(Timestamp{}).datagrams.at(0).bytes;
  int answered = 0;
  for (int i = 0; i < 400; ++i) {  // 400 within one second from the cookie's address
    auto r = b.server->handle(with_cookie, src, Timestamp(std::chrono::milliseconds(i * 2)));
    if (r.reply && (*r.reply)[0] == 0x82) ++answered;
  }
  EXPECT_GE(answered, 1);
  EXPECT_LE(answered, int(WorkLimiter::kSourceRate) + 2);
  EXPECT_LE(b.kems.decaps.load(), int(WorkLimiter::kSourceRate) + 2);
}

// #17 item 1 (V02 wire): CookieReplies cost a seal and 1060 bytes out each, to sources that
// may be spoofed. Above a global rate they are dropped and counted; a peer's own address
// (where we send to) keeps its own budget; one source gets only a few.
TEST(Load, CookieRepliesAreBoundedInTotalAndPerSource) {
  Node a(190);
  Counted b(191, std::make_unique<AlwaysLoaded>());
  add(*a.server, b.keys.pk, WireProfile::kV02, true);
  PeerHandle ba = add(*b.server, a.keys.pk, WireProfile::kV02, true);
  auto home = addr(5);
  b.server->expect_sender(ba, home);  // b sends its datagrams for a to `home`
  Bytes ih = a.server->poll(Timestamp{}).datagrams.at(0).bytes;
  auto cookie_replies = [&](auto&& source, int n, Timestamp t0, Timestamp step) {
    int replies = 0;
    for (int i = 0; i < n; ++i) {
      auto r = b.server->handle(ih, source(i), t0 + i * step);
      if (r.reply && (*r.reply)[0] == 0x86) ++replies;
    }
    return replies;
  };
  const uint64_t dropped_before = b.server->dropped(DropReason::kUnderLoad);
  // 30,000 from 30,000 addresses within one second.
  const int flood = cookie_replies([](int i) { return addr(100 + uint32_t(i)); }, 30000,
                                   Timestamp(1s), Timestamp(std::chrono::microseconds(33)));
  EXPECT_GE(flood, int(WorkLimiter::kReplyRate) / 2);
  EXPECT_LE(flood, 2 * int(WorkLimiter::kReplyRate) + 1);
  EXPECT_EQ(b.server->dropped(DropReason::kUnderLoad) - dropped_before, 30000u);
  EXPECT_EQ(b.kems.decaps.load(), 0);
  // With the reply budget spent, the rest is dropped before the mac is even computed
  // (cheapest check first: a bad mac is not noticed, nothing but the cookie is hashed).
  Bytes bad_mac = ih;
  bad_mac[wire::mac_offset(bad_mac.size())] ^= 1;
  const uint64_t bad_macs = b.server->dropped(DropReason::kBadMac);
  const Timestamp flood_end = Timestamp(1s) + 29999 * std::chrono::microseconds(33);
  for (uint32_t i = 0; i < 100; ++i) b.server->handle(bad_mac, addr(50000 + i), flood_end);
  EXPECT_EQ(b.server->dropped(DropReason::kBadMac), bad_macs);
  EXPECT_EQ(b.server->dropped(DropReason::kUnderLoad) - dropped_before, 30100u);
  // The peer's address is still answered right after the flood...
  EXPECT_EQ(cookie_replies([&](int) { return home; }, 1, Timestamp(2s), 0ms), 1);
  // ...and one source gets a couple per second, however many it sends.
  const int one = cookie_replies([](int) { return addr(7); }, 1000, Timestamp(10s),
                                 Timestamp(std::chrono::microseconds(500)));
  EXPECT_GE(one, 1);
  EXPECT_LE(one, int(WorkLimiter::kReplySourceRate) + 1);
}

// #17 item 5, in total: InitHellos with a valid cookie from many real addresses (anyone at
// one can get a cookie) buy at most the cookie class's budget of decapsulations per second.
TEST(Load, InitHellosWithAValidCookieAreBoundedInTotal) {
  namespace cr = wire::cookie_reply;
  Node a(192);
  Counted b(193, std::make_unique<AlwaysLoaded>());
  add(*a.server, b.keys.pk, WireProfile::kV02, true);
  add(*b.server, a.keys.pk, WireProfile::kV02, false);
  const Bytes ih = a.server->poll(Timestamp{}).datagrams.at(0).bytes;
  const auto reply_key = cookie_reply_key(*b.keys.pk);
  std::span<const uint8_t> ih_span(ih);
  // 150 addresses each fetch their cookie (within the reply budget) and send the InitHello
  // with it; all within 100 ms.
  int answered = 0;
  for (uint32_t i = 0; i < 150; ++i) {
    const Timestamp t(std::chrono::microseconds(i * 600));
    auto r = b.server->handle(ih, addr(200 + i), t);
    ASSERT_TRUE(r.reply && (*r.reply)[0] == 0x86) << i;
    std::span<const uint8_t> reply(*r.reply);
    std::array<uint8_t, kCookieValueSize> cookie;
    ASSERT_TRUE(crypto::xaead::open(cookie, reply_key,
                                    wire::field<wire::kBiscuitNonceSize>(reply, cr::kNonce),
                                    reply.subspan(cr::kCookieCt, cr::kCookieCtSize),
                                    ih_span.subspan(wire::mac_offset(ih.size()), wire::kMacSize)));
    Bytes with_cookie = ih;
    seal_cookie(with_cookie, cookie);
    auto served = b.server->handle(with_cookie, addr(200 + i), t + 10us);
    if (served.reply && (*served.reply)[0] == 0x82) ++answered;
  }
  const int budget = int(WorkLimiter::kClassRate[1]) + 1;
  EXPECT_GE(answered, int(WorkLimiter::kClassRate[1]) - 1);
  EXPECT_LE(answered, budget);
  EXPECT_LE(b.kems.decaps.load(), budget);
}

TEST(Load, NoDecapsulationForAWireNoPeerAllows) {
  Node a(139);
  Counted b(140, make_never_under_load());
  add(*a.server, b.keys.pk, WireProfile::kV02pc, true);
  add(*b.server, a.keys.pk, WireProfile::kV02, false);  // b allows only V02
  Bytes ih = a.server->poll(Timestamp{}).datagrams.at(0).bytes;
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(b.server->handle(ih, addr(i), Timestamp{}).reply);
  EXPECT_EQ(b.kems.decaps.load(), 0);
  EXPECT_EQ(b.server->dropped(DropReason::kWrongProfile), 50u);
}

TEST(Load, KnownEndpointIsServedWhileUnknownSourcesFlood) {
  Node a(141);
  Counted b(142, std::make_unique<AlwaysLoaded>());
  add(*a.server, b.keys.pk, WireProfile::kV02pc, true);
  add(*b.server, a.keys.pk, WireProfile::kV02pc, false);
  auto home = addr(5);
  Timestamp t{};
  // One authenticated exchange from `home` makes it a known endpoint.
  Bytes ih = a.server->poll(t).datagrams.at(0).bytes;
  Bytes rh = *b.server->handle(ih, home, t).reply;
  Bytes ic = *a.server->handle(rh, home, t).reply;
  ASSERT_TRUE(b.server->handle(ic, home, t).event);
  // A flood of legacy InitHellos from many sources exhausts the unknown budget...
  for (uint32_t i = 0; i < 2000; ++i) b.server->handle(ih, addr(100 + i), t + 1ms);
  EXPECT_FALSE(b.server->handle(ih, addr(99), t + 2ms).reply);
  // ...but the known endpoint is still answered.
  EXPECT_TRUE(b.server->handle(ih, home, t + 2ms).reply);
}

TEST(Load, UnderLoadOnlyOneRespHelloPerTransmissionIsProcessed) {
  Node b(144);
  Counted a(143, std::make_unique<AlwaysLoaded>());
  add(*a.server, b.keys.pk, WireProfile::kV03, true);
  add(*b.server, a.keys.pk, WireProfile::kV03, false);
  Timestamp t{};
  Bytes ih = a.server->poll(t).datagrams.at(0).bytes;
  Bytes rh = *b.server->handle(ih, addr(2), t).reply;
  // a is under load (an InitHello flood hit it).
  Bytes to_a = *b.server->initiate(PeerHandle{0}, t);
  EXPECT_EQ((*a.server->handle(to_a, addr(3), t).reply)[0], 0x86);
  // Forged RespHellos with the right session id and a valid mac (the mac key derives from
  // a's public key), wrong ciphertexts: each would cost two decapsulations.
  const auto& d = crypto::hash_domains(crypto::HashChoice::kShake256);
  auto mac_key = crypto::keyed_hash(crypto::HashChoice::kShake256, d.mac, *a.keys.pk);
  int before = a.kems.decaps.load();
  for (int i = 0; i < 20; ++i) {
    Bytes f = rh;
    f[100] ^= uint8_t(i + 1);
    auto full = crypto::keyed_hash(crypto::HashChoice::kShake256, mac_key,
                                   std::span(f).first(wire::mac_offset(f.size())));
    std::copy_n(full.begin(), wire::kMacSize, f.begin() + wire::mac_offset(f.size()));
    a.server->handle(f, addr(666), t);
  }
  EXPECT_LE(a.kems.decaps.load() - before, 2);  // one RespHello's worth
  EXPECT_GE(a.server->dropped(DropReason::kUnderLoad), 19u);
  // A retransmission buys one more answer: the genuine RespHello then completes.
  a.server->poll(t + 20s);
  auto done = a.server->handle(rh, addr(2), t + 20s);
  EXPECT_TRUE(done.event);
}

// Item 6 for EmptyData and CookieReply: under load, only one per transmission of ours is
// processed (each costs an AEAD; a forger needs the session id seen on path).
TEST(Load, UnderLoadOnlyOneEmptyDataOrCookieReplyPerTransmissionIsProcessed) {
  Node b(196);
  Counted a(195, std::make_unique<AlwaysLoaded>());
  add(*a.server, b.keys.pk, WireProfile::kV03, true);
  add(*b.server, a.keys.pk, WireProfile::kV03, false);
  Timestamp t{};
  const auto h = crypto::HashChoice::kShake256;
  const auto mac_key = crypto::keyed_hash(h, crypto::hash_domains(h).mac, *a.keys.pk);
  auto remac = [&](Bytes f) {
    auto full = crypto::keyed_hash(h, mac_key, std::span(f).first(wire::mac_offset(f.size())));
    std::copy_n(full.begin(), wire::kMacSize, f.begin() + wire::mac_offset(f.size()));
    return f;
  };
  auto load = [&](Timestamp at) {  // an InitHello flood hits a (it asks for a cookie)
    Bytes to_a = *b.server->initiate(PeerHandle{0}, at);
    ASSERT_EQ((*a.server->handle(to_a, addr(3), at).reply)[0], 0x86);
  };
  Bytes ih = a.server->poll(t).datagrams.at(0).bytes;
  load(t);
  // CookieReplies for the pending InitHello (valid: anyone can make one, see item 7).
  uint64_t before = a.server->dropped(DropReason::kUnderLoad);
  for (int i = 0; i < 20; ++i) a.server->handle(forge_cookie_reply(ih, b, uint8_t(i)), addr(9), t);
  EXPECT_GE(a.server->dropped(DropReason::kUnderLoad) - before, 18u);
  // EmptyData: the exchange reaches a's InitConf, then forged EmptyDatas with its session id.
  Bytes rh = *b.server->handle(a.server->initiate(PeerHandle{0}, t + 21s).value(), addr(2),
                               t + 21s).reply;
  auto conf = a.server->handle(rh, addr(2), t + 21s);
  ASSERT_TRUE(conf.reply && conf.event);
  Bytes ed = *b.server->handle(*conf.reply, addr(2), t + 21s).reply;
  load(t + 21s);
  before = a.server->dropped(DropReason::kUnderLoad);
  const uint64_t crypto_before = a.server->dropped(DropReason::kCryptoFailure);
  for (int i = 0; i < 20; ++i) {
    Bytes f = ed;
    f[wire::empty_data::kAuth] ^= uint8_t(i + 1);
    a.server->handle(remac(f), addr(666), t + 21s);
  }
  EXPECT_LE(a.server->dropped(DropReason::kCryptoFailure) - crypto_before, 1u);
  EXPECT_GE(a.server->dropped(DropReason::kUnderLoad) - before, 19u);
}

// ---- item 8 and #16 ----

TEST(AutoProfile, ForgedInitHellosDoNotSetTheWire) {
  Node a(145), b(146);
  PeerHandle ab = add(*a.server, b.keys.pk, WireProfile::kAuto, true);
  PeerHandle ba = add(*b.server, a.keys.pk, WireProfile::kAuto, true);
  // The forger knows only public values: it claims b's public key, has no PSK (none is set).
  Counted forger(147, make_never_under_load(), &b);
  add(*forger.server, a.keys.pk, WireProfile::kV02pc, true);
  Bytes forged = forger.server->poll(Timestamp{}).datagrams.at(0).bytes;
  ASSERT_EQ(forged.size(), 1092u);
  auto r = a.server->handle(forged, addr(666), Timestamp{});
  ASSERT_TRUE(r.reply);  // it passes every check an InitHello has...
  EXPECT_EQ(a.server->active_profile(ab), WireProfile::kV02);  // ...but teaches nothing
  Sim sim(*a.server, *b.server);
  sim.now = Timestamp(1s);
  for (int i = 0; i < 100; ++i) {  // and more of them while the real peers key
    sim.inject(0, forged);
    sim.run_until(sim.now + 300ms);
  }
  EXPECT_EQ(a.server->active_profile(ab), WireProfile::kV02);
  EXPECT_EQ(b.server->active_profile(ba), WireProfile::kV02);
  ASSERT_GE(sim.count(0, Kind::kExchanged), 1);
  EXPECT_EQ(sim.last_key(0), sim.last_key(1));
}

int init_hellos(const Sim& sim) {
  return int(std::count_if(sim.log.begin(), sim.log.end(),
                           [](const Sent& s) { return s.bytes[0] == 0x81; }));
}

TEST(AutoProfile, OfflinePeerCostsNoMoreThanUnderAFixedProfile) {
  auto count = [](WireProfile p) {
    Node a(148), b(149);
    connect(a, b, p, true);
    Sim sim(*a.server, *b.server);
    sim.link = [](int, const std::vector<uint8_t>&) { return std::vector<Timestamp>{}; };
    sim.run_until(600s);
    return init_hellos(sim);
  };
  const int fixed = count(WireProfile::kV02);
  const int automatic = count(WireProfile::kAuto);
  EXPECT_LE(automatic, fixed);
  EXPECT_GT(automatic, 0);
}

// Two default (auto) peers, the second starting 0-60 s after the first, either key order,
// the late one initiating too or responder-only: they settle on V02, and once on V02 the
// wire (and so the printed peer id) never changes.
TEST(AutoProfile, TwoAutoPeersSettleOnV02ForAnyStartOffset) {
  for (int offset = 0; offset <= 60; offset += 2) {
    for (int variant = 0; variant < 4; ++variant) {
      const bool late_initiates = variant < 2;
      Node a(uint8_t(variant % 2 ? 150 : 151)), b(uint8_t(variant % 2 ? 151 : 150));
      PeerHandle ab = connect(a, b, WireProfile::kAuto, true);
      PeerHandle ba = connect(b, a, WireProfile::kAuto, late_initiates);
      Sim sim(*a.server, *b.server);
      sim.start[1] = Timestamp(std::chrono::seconds(offset)) + 137ms;
      bool settled = false, changed = false;
      for (Timestamp t = 1s; t <= 500s; t += 1s) {
        sim.run_until(t);
        bool v02 = a.server->active_profile(ab) == WireProfile::kV02 &&
                   b.server->active_profile(ba) == WireProfile::kV02 &&
                   sim.count(1, Kind::kExchanged) > 0;
        if (settled && !v02) changed = true;
        settled = settled || v02;
      }
      const std::string what =
          "offset " + std::to_string(offset) + " variant " + std::to_string(variant);
      EXPECT_TRUE(settled) << what;
      EXPECT_FALSE(changed) << what;
      EXPECT_EQ(sim.last_key(0), sim.last_key(1)) << what;
      if (late_initiates) {  // both initiate: the very first exchange is on V02
        EXPECT_EQ(sim.count(0, Kind::kStale) + sim.count(1, Kind::kStale), 0) << what;
      }
    }
  }
}

TEST(AutoProfile, AgainstAFixedPeerSettlesOnItsWire) {
  for (WireProfile fixed : {WireProfile::kV02pc, WireProfile::kV03, WireProfile::kV02}) {
    for (int offset : {0, 25, 60}) {
      Node a(152), b(153);
      PeerHandle ab = connect(a, b, WireProfile::kAuto, true);
      connect(b, a, fixed, true);
      Sim sim(*a.server, *b.server);
      sim.start[offset % 2] = Timestamp(std::chrono::seconds(offset));
      sim.run_until(Timestamp(std::chrono::seconds(offset)) + 400s);
      EXPECT_EQ(a.server->active_profile(ab), fixed) << int(fixed) << " " << offset;
      ASSERT_GE(sim.count(0, Kind::kExchanged), 1);
      EXPECT_EQ(sim.last_key(0), sim.last_key(1));
    }
  }
}

// #16: "settle at once". Every key either side prints (and so every printed peer id) is under
// the wire the pair settles on: V02 for two auto peers whichever starts first, 0-60 s apart,
// either key order, each of them initiating or responder-only; a fixed peer's wire otherwise.
struct WireAtEachKey {
  explicit WireAtEachKey(Sim& sim, Node& a, PeerHandle ab, Node& b, PeerHandle ba) {
    sim.on_event = [&, ab, ba](int i, Kind kind) {
      if (kind != Kind::kExchanged) return;
      wires.push_back(i == 0 ? a.server->active_profile(ab) : b.server->active_profile(ba));
    };
  }
  std::vector<WireProfile> wires;
  bool all(WireProfile w) const {
    return !wires.empty() && std::all_of(wires.begin(), wires.end(), [w](auto x) { return x == w; });
  }
};

// Sharded by variant (bit 0: the early-or-late `a` initiates too, else responder-only; bit
// 1: which side starts late; bit 2: key order) so that ctest -j spreads them.
class SettleAtOnce : public ::testing::TestWithParam<int> {};

TEST_P(SettleAtOnce, EveryKeyOfTwoAutoPeersIsOnV02WhicheverStartsFirst) {
  const int variant = GetParam();
  for (int offset = 0; offset <= 60; ++offset) {
    {
      const bool a_initiates = variant & 1, b_initiates = true;
      const int late = (variant >> 1) & 1;
      const bool swap_keys = variant & 4;
      Node a(uint8_t(swap_keys ? 161 : 160)), b(uint8_t(swap_keys ? 160 : 161));
      PeerHandle ab = connect(a, b, WireProfile::kAuto, a_initiates);
      PeerHandle ba = connect(b, a, WireProfile::kAuto, b_initiates);
      Sim sim(*a.server, *b.server);
      WireAtEachKey seen(sim, a, ab, b, ba);
      sim.start[late] = Timestamp(std::chrono::seconds(offset)) + 137ms;
      sim.run_until(Timestamp(std::chrono::seconds(offset)) + 300s);
      const std::string what = "offset " + std::to_string(offset) + " variant " +
                               std::to_string(variant);
      EXPECT_TRUE(seen.all(WireProfile::kV02)) << what << ", keys: " << seen.wires.size();
      EXPECT_EQ(sim.last_key(0), sim.last_key(1)) << what;
      EXPECT_EQ(sim.count(0, Kind::kStale) + sim.count(1, Kind::kStale), 0) << what;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, SettleAtOnce, ::testing::Range(0, 8));

TEST(AutoProfile, EveryKeyWithAFixedPeerIsOnItsWire) {
  for (WireProfile fixed : {WireProfile::kV02pc, WireProfile::kV03, WireProfile::kV02}) {
    for (int offset = 0; offset <= 60; offset += 5) {
      for (int variant = 0; variant < 4; ++variant) {
        const bool auto_initiates = variant & 1;  // else the fixed peer initiates
        const int late = (variant >> 1) & 1;
        Node a(162), b(163);
        PeerHandle ab = connect(a, b, WireProfile::kAuto, auto_initiates);
        PeerHandle ba = connect(b, a, fixed, !auto_initiates || offset % 2);
        Sim sim(*a.server, *b.server);
        WireAtEachKey seen(sim, a, ab, b, ba);
        sim.start[late] = Timestamp(std::chrono::seconds(offset)) + 137ms;
        sim.run_until(Timestamp(std::chrono::seconds(offset)) + 300s);
        const std::string what = "wire " + std::to_string(int(fixed)) + " offset " +
                                 std::to_string(offset) + " variant " + std::to_string(variant);
        EXPECT_TRUE(seen.all(fixed)) << what << ", keys: " << seen.wires.size();
        EXPECT_EQ(sim.last_key(0), sim.last_key(1)) << what;
      }
    }
  }
}

// ---- item 9 ----

TEST(CookieSecrets, RetiredSecretsAreErased) {
  SeededRandom rng(5);
  CookieJar jar(rng);
  Bytes ih(wire::kInitHelloSize, 0);
  jar.reply(ih, addr(1), std::array<uint8_t, 32>{}, Timestamp{}, rng);
  EXPECT_TRUE(jar.slot_live(0) || jar.slot_live(1));
  jar.expire(Timestamp(239s));
  EXPECT_TRUE(jar.slot_live(0) || jar.slot_live(1));
  jar.expire(Timestamp(240s));
  EXPECT_FALSE(jar.slot_live(0) || jar.slot_live(1));
}

}  // namespace
}  // namespace rosenpass::test
