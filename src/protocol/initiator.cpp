// The initiator's side of the handshake (protocol.md §7.2 IHI, §7.3 RHI, §7.4 ICI, §7.6, §6.4).
#include "rosenpass/crypto/aead.h"
#include "rosenpass/crypto/keccak.h"
#include "server_impl.h"
#include "timing.h"

namespace rosenpass::protocol {

namespace {
constexpr std::span<uint8_t> kNoPlaintext{};
}

std::optional<std::vector<uint8_t>> Server::Impl::initiate(uint32_t index, Timestamp now) {
  Peer& p = mut(index);
  // kAuto settled on another wire: try V02 once (a peer that started later may speak it).
  const bool probe = p.configured == WireProfile::kAuto && p.learned &&
                     *p.learned != WireProfile::kV02 && !p.probed_v02;
  const WireProfile profile = probe ? WireProfile::kV02 : active_profile(p);
  const HashChoice h = hash_of(profile);
  const int hi = hash_index(h);
  const wire::InitHelloLayout& L = is_legacy(profile) ? wire::kInitHelloLegacy : wire::kInitHello;

  auto hs = std::make_unique<InitiatorHandshake>();
  hs->profile = profile;
  hs->probe = probe;
  hs->created = now;
  hs->cookie_value = CookieValue::random(*rng_);  // IHI1
  // The three hashes of whole public keys below that do not depend on this handshake, in one
  // batch (only those not cached yet: at a peer's first initiation under this hash).
  const KeyConstantsCache::Want constants[] = {{&p.consts, KeyConstantsCache::kCkInit},
                                                {&p.consts, KeyConstantsCache::kMacKey},
                                                {&own_, KeyConstantsCache::kPid}};
  KeyConstantsCache::compute_together(hi, constants);
  ChainingKey ck(h, p.consts.ck_init(hi));

  // IHI2; the index holds the ids of all peers' handshakes and sessions, so avoid clashes.
  bool fresh = false;
  for (int attempt = 0; attempt < 8 && !fresh; ++attempt) {
    rng_->fill(hs->sidi);
    fresh = !by_sid_.contains(sid_key(hs->sidi));
  }
  if (!fresh) return std::nullopt;

  std::vector<uint8_t> m(L.size(), 0);
  std::span<uint8_t> out(m);
  out[0] = wire::kTypeInitHello;
  std::copy(hs->sidi.begin(), hs->sidi.end(), out.begin() + L.sidi());

  kyber::PublicKey epki;  // IHI3
  {
    kyber::SecretKey eski;
    kems_->ephemeral_keypair(epki, eski, *rng_);
    auto& part = hs->eski_secret.emplace();
    auto sk = eski.reveal();
    std::copy_n(sk.begin(), kKyberIndcpaSize, part.reveal_mut().begin());
    std::copy_n(sk.begin() + kKyberZOffset, 32, part.reveal_mut().begin() + kKyberIndcpaSize);
  }
  std::copy(epki.begin(), epki.end(), out.begin() + L.epki());
  ck.mix_all(hs->sidi, epki);  // IHI4

  auto sctr = out.subspan(L.sctr(), L.sct_size);  // IHI5
  mceliece::SharedKey shk;
  kems_->static_encaps(sctr, shk, *p.pk, *rng_);
  ck.mix_all(*p.pk, shk.reveal(), sctr);

  ck.encrypt_and_mix(out.subspan(L.pidi_ct(), wire::kPidCtSize), own_.pid(hi));  // IHI6
  ck.mix_all(*own_pk_, p.psk.reveal());                                          // IHI7
  ck.encrypt_and_mix(out.subspan(L.auth(), wire::kTagSize), {});                 // IHI8

  seal_mac(out, p.consts.mac_key(hi), h);
  if (!is_legacy(profile)) seal_cookie(out, hs->cookie_value.reveal());  // legacy: zeros

  hs->ck.emplace(std::move(ck));
  hs->tx = m;
  hs->profile_tx = 1;
  hs->answers_allowed = 1;
  hs->may_yield = !p.yield_unanswered;
  p.yield_unanswered = false;
  drop_handshake(index);
  register_sid(hs->sidi, index);
  p.hs = std::move(hs);
  schedule_retransmit(*p.hs, now);
  return m;
}

HandleResult Server::Impl::on_resp_hello(std::span<const uint8_t> msg, Timestamp now) {
  const bool legacy = msg.size() == wire::kRespHelloLegacySize;
  const wire::RespHelloLayout& R = legacy ? wire::kRespHelloLegacy : wire::kRespHello;
  SessionId sidi, sidr;
  std::copy_n(msg.begin() + R.sidi(), wire::kSidSize, sidi.begin());
  std::copy_n(msg.begin() + R.sidr(), wire::kSidSize, sidr.begin());

  auto it = by_sid_.find(sid_key(sidi));
  if (it == by_sid_.end()) return drop(DropReason::kNoSuchSession);
  const uint32_t index = it->second;
  Peer& p = mut(index);
  if (!p.hs || p.hs->sidi != sidi || p.hs->state != InitiatorHandshake::State::kAwaitRespHello ||
      is_legacy(p.hs->profile) != legacy) {
    return drop(DropReason::kUnexpected);
  }
  InitiatorHandshake& hs = *p.hs;
  const HashChoice h = hash_of(hs.profile);
  const int hi = hash_index(h);
  if (!mac_ok(msg, own_.mac_key(hi), h)) return drop(DropReason::kBadMac);
  // Two decapsulations follow: under load, only as many RespHellos as InitHellos we sent.
  if (!take_answer(hs, now)) return drop(DropReason::kUnderLoad);

  // Work on a copy so that a failure leaves the handshake as it was.
  ChainingKey ck = ChainingKey::resume(h, hs.ck->reveal());
  ck.mix_all(sidr, sidi);  // RHI3

  auto epki = std::span<const uint8_t>(hs.tx).subspan(wire::kInitHello.epki(), wire::kEpkiSize);
  auto ecti = wire::field<wire::kEctiSize>(msg, R.ecti());  // RHI4
  kyber::SharedKey eshk;
  {
    kyber::SecretKey eski;
    auto sk = eski.reveal_mut();
    auto part = hs.eski_secret->reveal();
    std::copy_n(part.begin(), kKyberIndcpaSize, sk.begin());
    std::copy(epki.begin(), epki.end(), sk.begin() + kKyberIndcpaSize);
    auto digest = crypto::sha3_256(epki);
    std::copy(digest.begin(), digest.end(), sk.begin() + kKyberHashOffset);
    std::copy_n(part.begin() + kKyberIndcpaSize, 32, sk.begin() + kKyberZOffset);
    kems_->ephemeral_decaps(eshk, ecti, eski);
  }
  ck.mix_all(epki, eshk.reveal(), ecti);

  auto scti = msg.subspan(R.scti(), R.sct_size);  // RHI5
  mceliece::SharedKey shk;
  kems_->static_decaps(shk, scti, own_sk_);
  ck.mix_all(*own_pk_, shk.reveal(), scti);

  auto biscuit = msg.subspan(R.biscuit(), wire::kBiscuitCtSize);  // RHI6
  ck.mix(biscuit);
  if (!ck.decrypt_and_mix(kNoPlaintext, msg.subspan(R.auth(), wire::kTagSize))) {  // RHI7
    return drop(DropReason::kCryptoFailure);
  }

  // Settle at once (#16). An auto initiator that has never exchanged with this peer and got
  // its first answer on another wire than V02 does not complete that exchange: the peer is
  // live, and if it is auto too (say a responder-only daemon that started late, while we
  // were cycling) it answers V02, and every key printed, so every printed peer id, is V02's.
  // The wire that answered is learned (this RespHello is authenticated: the responder
  // decapsulated our sctr), so an unanswered V02 probe falls back to it: a peer fixed on
  // another wire keys one probe later (~1-3 s). The responder keeps nothing but a biscuit.
  if (p.configured == WireProfile::kAuto && !p.learned && !hs.probe &&
      hs.profile != WireProfile::kV02) {
    learn_profile(p, hs.profile);
    drop_handshake(index);
    HandleResult r;
    r.reply = initiate(index, now);  // the V02 probe, to where the answer came from
    r.authenticated_peer = PeerHandle{index};
    return r;
  }

  ck.mix_all(sidi, sidr);  // ICI3
  std::vector<uint8_t> ic(wire::kInitConfSize, 0);
  std::span<uint8_t> out(ic);
  out[0] = wire::kTypeInitConf;
  std::copy(sidi.begin(), sidi.end(), out.begin() + wire::init_conf::kSidi);
  std::copy(sidr.begin(), sidr.end(), out.begin() + wire::init_conf::kSidr);
  std::copy(biscuit.begin(), biscuit.end(), out.begin() + wire::init_conf::kBiscuit);
  ck.encrypt_and_mix(out.subspan(wire::init_conf::kAuth, wire::kTagSize), {});  // ICI4
  seal_mac(out, p.consts.mac_key(hi), h);
  if (!legacy) seal_cookie(out, hs.cookie_value.reveal());

  // ICI7: the session is live and the key is out; keep the handshake to retransmit InitConf
  // until EmptyData arrives.
  KeyEvent event = exchanged(index, ck);
  hs.txkt = ck.derive(crypto::hash_domains(h).responder_enc);
  hs.txnt = 0;
  install_session(index, Session{Session::Role::kInitiator, sidi, sidr, now});
  hs.state = InitiatorHandshake::State::kAwaitEmptyData;
  hs.ck.reset();
  hs.eski_secret.reset();
  hs.tx = ic;
  hs.tx_count = 0;
  hs.answers_allowed = 1;
  hs.hurried = false;
  hs.resume_tx = Timestamp{};
  hs.completed = now;
  schedule_retransmit(hs, now);

  learn_profile(p, hs.profile);  // authenticated: the responder decapsulated our sctr
  return {std::move(ic), std::move(event), PeerHandle{index}};
}

HandleResult Server::Impl::on_empty_data(std::span<const uint8_t> msg, Timestamp now) {
  namespace ed = wire::empty_data;
  SessionId sid;
  std::copy_n(msg.begin() + ed::kSid, wire::kSidSize, sid.begin());
  auto it = by_sid_.find(sid_key(sid));
  if (it == by_sid_.end()) return drop(DropReason::kNoSuchSession);
  const uint32_t index = it->second;
  Peer& p = mut(index);
  if (!p.hs || p.hs->sidi != sid || p.hs->state != InitiatorHandshake::State::kAwaitEmptyData) {
    return drop(DropReason::kUnexpected);
  }
  InitiatorHandshake& hs = *p.hs;
  const HashChoice h = hash_of(hs.profile);
  if (!mac_ok(msg, own_.mac_key(hash_index(h)), h)) return drop(DropReason::kBadMac);
  if (!take_answer(hs, now)) return drop(DropReason::kUnderLoad);

  // Any counter not below the last one accepted: Rust sends 0, go-rosenpass 1 (§15.9).
  auto ctr = wire::field<ed::kCtrSize>(msg, ed::kCtr);
  uint64_t n = wire::load_u64_le(ctr);
  if (n < hs.txnt) return drop(DropReason::kReplay);
  std::array<uint8_t, crypto::kAeadNonceSize> nonce{};
  std::copy(ctr.begin(), ctr.end(), nonce.begin());
  if (!crypto::aead::open(kNoPlaintext, hs.txkt.reveal(), nonce,
                          msg.subspan(ed::kAuth, wire::kTagSize), {})) {
    return drop(DropReason::kCryptoFailure);
  }
  hs.txnt = n;
  drop_handshake(index);  // stops InitConf retransmission
  // The peer holds our key now: an InitConf to a biscuit we issued before this moment
  // belongs to an exchange that lost a race (it would replace the confirmed key).
  p.confirmed_floor = biscuits_.next_number();
  return {std::nullopt, std::nullopt, PeerHandle{index}};
}

HandleResult Server::Impl::on_cookie_reply(std::span<const uint8_t> msg, Timestamp now) {
  namespace cr = wire::cookie_reply;
  SessionId sid;
  std::copy_n(msg.begin() + cr::kSid, wire::kSidSize, sid.begin());
  auto it = by_sid_.find(sid_key(sid));
  if (it == by_sid_.end()) return drop(DropReason::kNoSuchSession);
  const uint32_t index = it->second;
  Peer& p = mut(index);
  if (!p.hs || p.hs->sidi != sid || is_legacy(p.hs->profile)) {
    return drop(DropReason::kUnexpected);
  }
  InitiatorHandshake& hs = *p.hs;
  if (!take_answer(hs, now)) return drop(DropReason::kUnderLoad);
  std::span<const uint8_t> last(hs.tx);
  CookieValue value;
  if (!crypto::xaead::open(value.reveal_mut(), p.cookie_key,
                           wire::field<wire::kBiscuitNonceSize>(msg, cr::kNonce),
                           msg.subspan(cr::kCookieCt, cr::kCookieCtSize),
                           last.subspan(wire::mac_offset(last.size()), wire::kMacSize))) {
    return drop(DropReason::kCryptoFailure);
  }
  hs.cookie_value = std::move(value);
  // §6.4: retransmit at once, with the cookie if it is the InitHello (poll() re-seals it), to
  // the peer's endpoint: never as a reply to the CookieReply's source, which anyone can forge.
  // One hurry per scheduled transmission, and the back-off schedule is kept.
  if (!hs.hurried) {
    hs.hurried = true;
    hs.resume_tx = hs.next_tx;
    hs.next_tx = now;
  }
  return {};
}

}  // namespace rosenpass::protocol
