// The responder's side of the handshake (protocol.md §7.2 IHR, §7.3 RHR, §7.4 ICR, §7.6,
// §8.4, §15.11).
#include "rosenpass/crypto/aead.h"
#include "rosenpass/crypto/constant_time.h"
#include "server_impl.h"
#include "timing.h"

namespace rosenpass::protocol {

namespace {
constexpr std::span<uint8_t> kNoPlaintext{};
}

HandleResult Server::Impl::on_init_hello(std::span<const uint8_t> msg,
                                         std::span<const uint8_t> sender, Timestamp now) {
  const bool legacy = msg.size() == wire::kInitHelloLegacySize;
  const wire::InitHelloLayout& L = legacy ? wire::kInitHelloLegacy : wire::kInitHello;

  // Cheapest checks first (docs/dos.md): a wire no peer may use is dropped before any hashing;
  // the mac (a hash over the message) names the hash (§13.8); a hash no peer uses is dropped.
  // Everything up to here costs microseconds; the decapsulation below costs a millisecond.
  if (legacy && !any_peer_allows(WireProfile::kV02pc)) return drop(DropReason::kWrongProfile);
  // Under load, a current-wire InitHello from an unknown source without a valid cookie can
  // buy nothing but a CookieReply; once their budget is spent it is dropped before the mac
  // (the mac under both hashes costs as much again as the cookie check).
  std::optional<bool> under;  // the load policy's answer, asked once per InitHello
  bool cookie_ok = false;
  if (!legacy && loaded(now)) {
    const uint64_t src = limiter_.sender_key(sender);
    if (!known_senders_.contains(src) && !limiter_.reply_available(src, now)) {
      under = load_->under_load(now);
      if (*under) {
        loaded_until_ = now + timing::kLoadLinger;
        cookie_ok = cookies_.verify(msg, sender, now);
        if (!cookie_ok) return drop(DropReason::kUnderLoad);
      }
    }
  }
  auto hash = discover_hash(msg, legacy);
  if (!hash) return drop(DropReason::kBadMac);
  const HashChoice h = *hash;
  const int hi = hash_index(h);
  const WireProfile used =
      legacy ? WireProfile::kV02pc
             : (h == HashChoice::kShake256 ? WireProfile::kV03 : WireProfile::kV02);
  if (!any_peer_allows(used)) return drop(DropReason::kWrongProfile);

  if (under ? *under : load_->under_load(now)) {
    loaded_until_ = now + timing::kLoadLinger;
    // The current wire must prove its source address with a cookie (§6.2). The legacy wire
    // cannot (§15.7): it is served from the source of a peer's last authenticated exchange
    // first, and otherwise from a small budget per source and in total. Either way the
    // work per source and in total is bounded (WorkLimiter).
    const uint64_t src = limiter_.sender_key(sender);
    const bool known = known_senders_.contains(src);
    WorkLimiter::Class c = known ? WorkLimiter::Class::kKnown : WorkLimiter::Class::kUnknown;
    if (!legacy) {
      if (!cookie_ok && !cookies_.verify(msg, sender, now)) {
        // A CookieReply costs a seal and 1060 bytes out, to a source that may be spoofed:
        // bounded per source and in total (#17 item 1); above that, dropped and counted.
        if (!limiter_.admit_reply(known, src, now)) return drop(DropReason::kUnderLoad);
        ++drops[static_cast<std::size_t>(DropReason::kUnderLoad)];
        return {cookies_.reply(msg, sender, own_cookie_key_, now, *rng_), std::nullopt,
                std::nullopt};
      }
      if (!known) c = WorkLimiter::Class::kCookie;
    }
    if (!limiter_.admit(c, src, now)) return drop(DropReason::kUnderLoad);
  }

  SessionId sidi;
  std::copy_n(msg.begin() + L.sidi(), wire::kSidSize, sidi.begin());
  auto epki = wire::field<wire::kEpkiSize>(msg, L.epki());

  ChainingKey ck(h, own_.ck_init(hi));  // IHR1
  ck.mix_all(sidi, epki);               // IHR4
  auto sctr = msg.subspan(L.sctr(), L.sct_size);
  mceliece::SharedKey shk;
  kems_->static_decaps(shk, sctr, own_sk_);  // IHR5
  ck.mix_all(*own_pk_, shk.reveal(), sctr);

  std::array<uint8_t, wire::kPidSize> pidi;  // IHR6
  if (!ck.decrypt_and_mix(pidi, msg.subspan(L.pidi_ct(), wire::kPidCtSize))) {
    return drop(DropReason::kCryptoFailure);
  }
  auto found = peer_by_pid(h, pidi);
  if (!found) return drop(DropReason::kUnknownPeer);
  const uint32_t index = *found;
  Peer& p = mut(index);
  if (!profile_allows(p, used)) return drop(DropReason::kWrongProfile);

  ck.mix_all(*p.pk, p.psk.reveal());                                               // IHR7
  if (!ck.decrypt_and_mix(kNoPlaintext, msg.subspan(L.auth(), wire::kTagSize))) {  // IHR8
    return drop(DropReason::kCryptoFailure);
  }

  // kAuto prefers V02: while our own V02 InitHello to this peer is pending, its InitHello of
  // another wire would start a second, competing exchange; ours settles both on V02 (#16).
  // Nothing is learned here: without a PSK anyone can make this InitHello (#17 item 8).
  using State = InitiatorHandshake::State;
  if (p.configured == WireProfile::kAuto && used != WireProfile::kV02 && p.hs &&
      p.hs->state == State::kAwaitRespHello && p.hs->profile == WireProfile::kV02) {
    return drop(DropReason::kLostRace);
  }

  // Simultaneous starts (README): right after our own handshake with this peer got its
  // RespHello, the peer's InitHello belongs to the handshake that lost.
  if (p.hs && p.hs->state == State::kAwaitEmptyData &&
      now - p.hs->completed < timing::kRaceWindow) {
    return drop(DropReason::kLostRace);
  }
  // The side whose key sorts lower yields its pending InitHello to the peer's (once per
  // unanswered yield, so that a replayed InitHello cannot keep it from initiating).
  const bool yield = !p.wins_races && p.hs && p.hs->state == State::kAwaitRespHello &&
                     p.hs->may_yield;

  const wire::RespHelloLayout& R = legacy ? wire::kRespHelloLegacy : wire::kRespHello;
  std::vector<uint8_t> m(R.size(), 0);
  std::span<uint8_t> out(m);
  out[0] = wire::kTypeRespHello;
  SessionId sidr;
  rng_->fill(sidr);  // RHR1
  std::copy(sidr.begin(), sidr.end(), out.begin() + R.sidr());
  std::copy(sidi.begin(), sidi.end(), out.begin() + R.sidi());
  ck.mix_all(sidr, sidi);  // RHR3

  kyber::Ciphertext ecti;  // RHR4
  kyber::SharedKey eshk;
  kems_->ephemeral_encaps(ecti, eshk, epki, *rng_);
  std::copy(ecti.begin(), ecti.end(), out.begin() + R.ecti());
  ck.mix_all(epki, eshk.reveal(), ecti);

  auto scti = out.subspan(R.scti(), R.sct_size);  // RHR5
  mceliece::SharedKey shk2;
  kems_->static_encaps(scti, shk2, *p.pk, *rng_);
  ck.mix_all(*p.pk, shk2.reveal(), scti);

  auto biscuit = wire::field<wire::kBiscuitCtSize>(out, R.biscuit());  // RHR6
  BiscuitNo number =
      biscuits_.seal(biscuit, pidi, ck.reveal(), biscuit_ad(h, sidi, sidr), now, *rng_);
  ck.mix(biscuit);
  ck.encrypt_and_mix(out.subspan(R.auth(), wire::kTagSize), {});  // RHR7
  seal_mac(out, p.consts.mac_key(hi), h);                         // cookie field stays zero

  remember_issued(p, number, used);
  if (yield) drop_handshake(index);
  // The peer is initiating: let its handshake finish before starting ours. Not renewed
  // while a previous answer is still unanswered (replays cannot hold us off for long).
  if (!p.hs && !p.yield_unanswered) {
    p.hold_until = now + timing::kYieldHold;
    p.yield_unanswered = true;
  }
  return {std::move(m), std::nullopt, std::nullopt};
}

HandleResult Server::Impl::on_init_conf(std::span<const uint8_t> msg, Timestamp now) {
  namespace ic = wire::init_conf;
  SessionId sidi, sidr;
  std::copy_n(msg.begin() + ic::kSidi, wire::kSidSize, sidi.begin());
  std::copy_n(msg.begin() + ic::kSidr, wire::kSidSize, sidr.begin());

  // §8.4: a retransmission of the InitConf that made the current session gets the same
  // EmptyData again, without crypto and without a second key event.
  const auto digest = init_conf_hash(msg);
  if (auto it = by_sid_.find(sid_key(sidr)); it != by_sid_.end()) {
    Peer& p = mut(it->second);
    if (p.cache && p.session && p.session->sidm == sidr &&
        crypto::ct_equal(digest, p.cache->init_conf_hash)) {
      if (!mac_ok(msg, own_.mac_key(hash_index(p.cache->hash)), p.cache->hash)) {
        return drop(DropReason::kBadMac);
      }
      std::vector<uint8_t> again(p.cache->empty_data.begin(), p.cache->empty_data.end());
      // Not reported as authenticated: a replayed copy must not move the endpoint (#17 item 2).
      return {std::move(again), std::nullopt, std::nullopt};
    }
  }

  auto hash = discover_hash(msg, false);
  if (!hash) return drop(DropReason::kBadMac);
  const HashChoice h = *hash;
  const int hi = hash_index(h);

  auto biscuit = wire::field<wire::kBiscuitCtSize>(msg, ic::kBiscuit);  // ICR1
  auto contents = biscuits_.open(biscuit, biscuit_ad(h, sidi, sidr));
  if (!contents) return drop(DropReason::kCryptoFailure);
  auto found = peer_by_pid(h, contents->pidi);
  if (!found) return drop(DropReason::kUnknownPeer);
  const uint32_t index = *found;
  Peer& p = mut(index);
  if (p.configured != WireProfile::kAuto && hash_of(p.configured) != h) {
    return drop(DropReason::kWrongProfile);
  }

  ChainingKey ck = ChainingKey::resume(h, contents->ck.reveal());
  ck.mix(biscuit);
  std::array<uint8_t, wire::kTagSize> resp_auth;
  ck.encrypt_and_mix(resp_auth, {});                                                // ICR2
  ck.mix_all(sidi, sidr);                                                           // ICR3
  if (!ck.decrypt_and_mix(kNoPlaintext, msg.subspan(ic::kAuth, wire::kTagSize))) {  // ICR4
    return drop(DropReason::kCryptoFailure);
  }
  if (compare_biscuit_no(contents->number, p.biscuit_used) <= 0) {  // ICR5
    return drop(DropReason::kReplay);
  }
  // Simultaneous starts (README): a biscuit issued before the peer confirmed our own
  // handshake lost; so does the loser's InitConf while the winner's own handshake awaits its
  // EmptyData (the winner's InitConf reaches the loser, which accepts it). Such an InitConf
  // is authenticated and fresh, so it may still move the endpoint: that is how the winner's
  // retransmissions find a peer that moved meanwhile.
  const bool lost_race =
      (p.confirmed_floor && compare_biscuit_no(contents->number, *p.confirmed_floor) < 0) ||
      (p.wins_races && p.hs && p.hs->state == InitiatorHandshake::State::kAwaitEmptyData);
  if (lost_race) {
    ++drops[static_cast<std::size_t>(DropReason::kLostRace)];
    return {std::nullopt, std::nullopt, PeerHandle{index}};
  }
  if (auto clash = by_sid_.find(sid_key(sidr)); clash != by_sid_.end() && clash->second != index) {
    return drop(DropReason::kUnexpected);  // sidr is in use by another peer (§10.1)
  }

  p.biscuit_used = contents->number;  // ICR6
  KeyEvent event = exchanged(index, ck);
  // Learn the wire from this authenticated exchange: the biscuit says which InitHello it
  // answered (SHAKE256 alone means V03).
  std::optional<WireProfile> wire_used;
  if (h == HashChoice::kShake256) wire_used = WireProfile::kV03;
  for (const auto& [n, w] : p.issued) {
    if (n == contents->number) wire_used = w;
  }
  if (wire_used) {
    learn_profile(p, *wire_used);
  } else {
    p.yield_unanswered = false;
  }
  drop_handshake(index);  // ICR7: our own initiation with this peer is superseded
  install_session(index, Session{Session::Role::kResponder, sidr, sidi, now});
  register_sid(sidr, index);

  // §7.6: EmptyData with counter 0 under the responder's transmit key.
  namespace ed = wire::empty_data;
  CachedConfirmation cached{digest, {}, h, now};
  std::span<uint8_t> out(cached.empty_data);
  out[0] = wire::kTypeEmptyData;
  std::copy(sidi.begin(), sidi.end(), out.begin() + ed::kSid);
  wire::store_u64_le(wire::field<ed::kCtrSize>(out, ed::kCtr), 0);
  std::array<uint8_t, crypto::kAeadNonceSize> nonce{};
  Key32 txkr = ck.derive(crypto::hash_domains(h).responder_enc);
  crypto::aead::seal(out.subspan(ed::kAuth, wire::kTagSize), txkr.reveal(), nonce, {}, {});
  seal_mac(out, p.consts.mac_key(hi), h);
  std::vector<uint8_t> reply(out.begin(), out.end());
  p.cache = cached;
  return {std::move(reply), std::move(event), PeerHandle{index}};
}

}  // namespace rosenpass::protocol
