// (a) Byte-for-byte replay of the reference's recorded handshake (shared/test-vectors): every
// recorded message (EmptyData on bytes 0..48), every recorded chaining key, the biscuit, and
// the output key. The proof of wire compatibility with the Rust reference.
#include <gtest/gtest.h>

#include <deque>

#include "../crypto/test_util.h"
#include "chaining_key.h"
#include "fake_kems.h"
#include "rosenpass/crypto/aead.h"
#include "rosenpass/crypto/hash_domains.h"
#include "server_impl.h"

namespace rosenpass::test {
namespace {

using namespace rosenpass::protocol;
using Bytes = std::vector<uint8_t>;

Bytes value(const std::string& name) {
  return vector_file("values/" + name);
}

// Hands out the recorded random values in order; any other draw (e.g. retransmission jitter)
// gets deterministic filler and leaves the script alone.
class ScriptedRandom final : public crypto::RandomSource {
 public:
  std::deque<Bytes> script;
  void fill(std::span<uint8_t> out) override {
    if (!script.empty() && script.front().size() == out.size()) {
      std::copy(script.front().begin(), script.front().end(), out.begin());
      script.pop_front();
      return;
    }
    filler_.fill(out);
  }

 private:
  SeededRandom filler_{99};
};

// Injects the recorded keypair and encapsulation results; decapsulates for real.
class ReplayKems final : public KemSuite {
 public:
  explicit ReplayKems(const KemSuite& real) : real_(real) {}
  std::optional<std::pair<Bytes, Bytes>> kyber_keypair;    // (sk, pk)
  mutable std::deque<std::pair<Bytes, Bytes>> ekem, skem;  // (shared key, ciphertext)

  void ephemeral_keypair(kyber::PublicKey& pk, kyber::SecretKey& sk,
                         crypto::RandomSource&) const override {
    ASSERT_TRUE(kyber_keypair);
    std::copy(kyber_keypair->second.begin(), kyber_keypair->second.end(), pk.begin());
    std::copy(kyber_keypair->first.begin(), kyber_keypair->first.end(), sk.reveal_mut().begin());
  }
  void ephemeral_encaps(kyber::Ciphertext& ct, kyber::SharedKey& shk,
                        std::span<const uint8_t, kyber::kPublicKeySize>,
                        crypto::RandomSource&) const override {
    ASSERT_FALSE(ekem.empty());
    auto [k, c] = ekem.front();
    ekem.pop_front();
    std::copy(k.begin(), k.end(), shk.reveal_mut().begin());
    std::copy(c.begin(), c.end(), ct.begin());
  }
  void ephemeral_decaps(kyber::SharedKey& shk, std::span<const uint8_t, kyber::kCiphertextSize> ct,
                        const kyber::SecretKey& sk) const override {
    real_.ephemeral_decaps(shk, ct, sk);
  }
  void static_encaps(std::span<uint8_t> ct, mceliece::SharedKey& shk, mceliece::PublicKeyView,
                     crypto::RandomSource&) const override {
    ASSERT_FALSE(skem.empty());
    auto [k, c] = skem.front();
    skem.pop_front();
    ASSERT_EQ(c.size(), ct.size());
    std::copy(k.begin(), k.end(), shk.reveal_mut().begin());
    std::copy(c.begin(), c.end(), ct.begin());
  }
  void static_decaps(mceliece::SharedKey& shk, std::span<const uint8_t> ct,
                     const mceliece::SecretKey& sk) const override {
    real_.static_decaps(shk, ct, sk);
  }

 private:
  const KemSuite& real_;
};

// Collects every chaining key this thread computes while alive.
struct Trace {
  std::vector<std::string> cks;
  ChainingKeyTrace fn = [this](std::span<const uint8_t, 32> ck, std::size_t) {
    cks.push_back(hex(ck));
  };
  Trace() { set_chaining_key_trace(&fn); }
  ~Trace() { set_chaining_key_trace(nullptr); }
  // The recorded values must appear in this order (each recorded step follows one or more mixes).
  void expect_in_order(const std::vector<std::string>& names) {
    std::size_t pos = 0;
    for (const auto& n : names) {
      std::string want = hex(value(n));
      auto it = std::find(cks.begin() + pos, cks.end(), want);
      ASSERT_NE(it, cks.end()) << n << " not found in order";
      pos = std::size_t(it - cks.begin()) + 1;
    }
    cks.clear();
  }
};

struct ReplayServer {
  ReplayServer(const std::string& who, ReplayKems& kems, ScriptedRandom& rng, int first_secret) {
    auto pk = std::make_shared<mceliece::PublicKey>();
    Bytes pkb = vector_file("peer_" + who + "_pk.bin");
    std::copy(pkb.begin(), pkb.end(), pk->begin());
    public_key = pk;
    ServerConfig c;
    c.public_key = pk;
    auto sk = mceliece::secret_key_from_bytes(vector_file("peer_" + who + "_sk.bin"));
    EXPECT_TRUE(sk.has_value());
    c.secret_key = std::move(*sk);
    c.rng = &rng;
    c.kems = &kems;
    c.load_policy = make_never_under_load();
    server = Server::create(std::move(c));
    // Entries 5-8 (A) / 9-12 (B): cookie secrets, biscuit keys; creation times stay "never".
    auto name = [&](int i, const char* what) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%02d_srv%s_%s.bin", first_secret + i, who == "a" ? "A" : "B",
                    what);
      return value(buf);
    };
    Bytes c0 = name(0, "cookie_secret_0"), c1 = name(1, "cookie_secret_1");
    Bytes b0 = name(2, "biscuit_key_0"), b1 = name(3, "biscuit_key_1");
    server_impl(*server).overwrite_secrets(
        std::span<const uint8_t, 16>(c0.data(), 16), std::span<const uint8_t, 16>(c1.data(), 16),
        std::span<const uint8_t, 32>(b0.data(), 32), std::span<const uint8_t, 32>(b1.data(), 32));
  }
  PublicKeyRef public_key;
  std::unique_ptr<Server> server;
};

#ifdef RP_HAVE_KEMS
TEST(VectorReplay, ReproducesTheRecordedHandshakeByteForByte) {
  ScriptedRandom rng_a, rng_b;
  ReplayKems kems_a(default_kem_suite()), kems_b(default_kem_suite());
  ReplayServer a("a", kems_a, rng_a, 5);
  ReplayServer b("b", kems_b, rng_b, 9);

  Bytes psk = value("04_psk.bin");
  auto add = [&](ReplayServer& self, const ReplayServer& other, bool init) {
    PeerConfig pc;
    pc.public_key = other.public_key;
    pc.psk = Psk::from(std::span<const uint8_t, 32>(psk.data(), 32));
    pc.profile = WireProfile::kV03;
    pc.may_initiate = init;
    return *self.server->add_peer(std::move(pc));
  };
  PeerHandle a_b = add(a, b, true);
  PeerHandle b_a = add(b, a, false);

  rng_a.script = {value("13_ini_hs_cookie_value.bin"), value("14_sidi.bin")};
  kems_a.kyber_keypair = {value("15_eski.bin"), value("16_epki.bin")};
  kems_a.skem = {{value("18_ihi5_skem_shk.bin"), value("19_ihi5_skem_ct_sctr.bin")}};
  rng_b.script = {value("32_sidr.bin"), value("41_srvB_biscuit_key_cycled.bin"),
                  value("42_biscuit_nonce_drawn.bin")};
  kems_b.ekem = {{value("34_rhr4_ekem_shk.bin"), value("35_rhr4_ekem_ct_ecti.bin")}};
  kems_b.skem = {{value("37_rhr5_skem_shk.bin"), value("38_rhr5_skem_ct_scti.bin")}};

  const Timestamp t0{};
  std::array<uint8_t, 1> from_a{0xa}, from_b{0xb};
  Trace trace;

  // msg1: InitHello.
  auto msg1 = a.server->initiate(a_b, t0);
  ASSERT_TRUE(msg1);
  trace.expect_in_order(
      {"17_ck_IHI4.bin", "20_ck_IHI5.bin", "22_ck_IHI6.bin", "23_ck_IHI7.bin", "25_ck_IHI8.bin"});
  EXPECT_EQ(hex(std::span(*msg1).subspan(964, 48)), hex(value("21_pidi_ct.bin")));
  EXPECT_EQ(hex(std::span(*msg1).subspan(1012, 16)), hex(value("24_ih_auth.bin")));
  EXPECT_EQ(hex(*msg1), hex(vector_file("msg1_init_hello.bin")));

  // msg2: RespHello.
  auto r2 = b.server->handle(*msg1, from_a, t0);
  ASSERT_TRUE(r2.reply);
  trace.expect_in_order({"27_ck_IHR4.bin", "28_ck_IHR5.bin", "29_ck_IHR6.bin", "30_ck_IHR7.bin",
                         "31_ck_IHR8.bin", "33_ck_RHR3.bin", "36_ck_RHR4.bin", "39_ck_RHR5.bin",
                         "44_ck_RHR6.bin", "45_ck_RHR7.bin"});
  Bytes msg2 = *r2.reply;
  EXPECT_EQ(hex(std::span(msg2).subspan(952, 116)), hex(value("43_biscuit_ct.bin")));
  EXPECT_EQ(hex(msg2), hex(vector_file("msg2_resp_hello.bin")));
  EXPECT_TRUE(rng_b.script.empty()) << "not every recorded random value of B was drawn";
  EXPECT_TRUE(rng_a.script.empty());

  // The biscuit plaintext (entry 40), opened with the cycled key (entry 41).
  {
    Bytes key = value("41_srvB_biscuit_key_cycled.bin");
    auto sidi = std::span(msg2).subspan(8, 4), sidr = std::span(msg2).subspan(4, 4);
    const auto& d = crypto::hash_domains(crypto::HashChoice::kShake256);
    auto ad = crypto::hash_fold(crypto::HashChoice::kShake256, d.biscuit_ad,
                                {std::span<const uint8_t>(*b.public_key), sidi, sidr});
    Bytes plain(76);
    auto bct = std::span<const uint8_t>(msg2).subspan(952, 116);
    ASSERT_TRUE(crypto::xaead::open(plain, std::span<const uint8_t, 32>(key.data(), 32),
                                    bct.first<24>(), bct.subspan(24), ad));
    EXPECT_EQ(hex(plain), hex(value("40_biscuit_plaintext.bin")));
  }

  // msg3: InitConf; the initiator has the key now.
  auto r3 = a.server->handle(msg2, from_b, t0);
  ASSERT_TRUE(r3.reply && r3.event);
  EXPECT_EQ(hex(*r3.reply), hex(vector_file("msg3_init_conf.bin")));
  EXPECT_EQ(r3.event->peer, a_b);
  EXPECT_EQ(hex(r3.event->key.reveal()), hex(value("49_osk_exchanged_key.bin")));

  // msg4: EmptyData (bytes 48..64 are a stale-buffer artifact of the reference).
  auto r4 = b.server->handle(*r3.reply, from_a, t0);
  ASSERT_TRUE(r4.reply && r4.event);
  Bytes msg4 = vector_file("msg4_empty_data.bin");
  EXPECT_EQ(hex(std::span(*r4.reply).first(48)), hex(std::span(msg4).first(48)));
  EXPECT_EQ(hex(std::span(*r4.reply).subspan(48)), std::string(32, '0'));
  EXPECT_EQ(r4.event->peer, b_a);
  EXPECT_EQ(hex(r4.event->key.reveal()), hex(value("49_osk_exchanged_key.bin")));

  // A accepts EmptyData without a reply; so it does the recorded one.
  auto r5 = a.server->handle(msg4, from_b, t0);
  EXPECT_FALSE(r5.reply);
  EXPECT_FALSE(r5.event);
  EXPECT_EQ(r5.authenticated_peer, a_b);
}

// The responder side alone, fed the recorded messages: independent of our initiator.
TEST(VectorReplay, ResponderAcceptsRecordedMessages) {
  ScriptedRandom rng_b;
  ReplayKems kems_b(default_kem_suite());
  ReplayServer b("b", kems_b, rng_b, 9);
  ScriptedRandom rng_a;
  ReplayKems kems_a(default_kem_suite());
  ReplayServer a("a", kems_a, rng_a, 5);
  Bytes psk = value("04_psk.bin");
  PeerConfig pc;
  pc.public_key = a.public_key;
  pc.psk = Psk::from(std::span<const uint8_t, 32>(psk.data(), 32));
  pc.profile = WireProfile::kAuto;  // hash discovery must find SHAKE256
  pc.may_initiate = false;
  ASSERT_TRUE(b.server->add_peer(std::move(pc)));
  rng_b.script = {value("32_sidr.bin"), value("41_srvB_biscuit_key_cycled.bin"),
                  value("42_biscuit_nonce_drawn.bin")};
  kems_b.ekem = {{value("34_rhr4_ekem_shk.bin"), value("35_rhr4_ekem_ct_ecti.bin")}};
  kems_b.skem = {{value("37_rhr5_skem_shk.bin"), value("38_rhr5_skem_ct_scti.bin")}};
  std::array<uint8_t, 1> from_a{0xa};
  auto r2 = b.server->handle(vector_file("msg1_init_hello.bin"), from_a, Timestamp{});
  ASSERT_TRUE(r2.reply);
  EXPECT_EQ(hex(*r2.reply), hex(vector_file("msg2_resp_hello.bin")));
  auto r4 = b.server->handle(vector_file("msg3_init_conf.bin"), from_a, Timestamp{});
  ASSERT_TRUE(r4.reply && r4.event);
  Bytes msg4 = vector_file("msg4_empty_data.bin");
  EXPECT_EQ(hex(std::span(*r4.reply).first(48)), hex(std::span(msg4).first(48)));
  EXPECT_EQ(hex(r4.event->key.reveal()), hex(value("49_osk_exchanged_key.bin")));
  // The recorded InitConf again: the cached EmptyData, and no second key.
  auto again = b.server->handle(vector_file("msg3_init_conf.bin"), from_a, Timestamp{});
  ASSERT_TRUE(again.reply);
  EXPECT_FALSE(again.event);
  EXPECT_EQ(hex(*again.reply), hex(*r4.reply));
}
#endif

}  // namespace
}  // namespace rosenpass::test
