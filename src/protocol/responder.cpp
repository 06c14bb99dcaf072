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

  // The mac is checked before any expensive work, and names the hash (§13.8).
  auto hash = discover_hash(msg, legacy);
  if (!hash) return drop(DropReason::kBadMac);
  const HashChoice h = *hash;
  const int hi = hash_index(h);
  const WireProfile used =
      legacy ? WireProfile::kV02pc
             : (h == HashChoice::kShake256 ? WireProfile::kV03 : WireProfile::kV02);

  // Legacy initiators never understand a CookieReply (§15.7): they are served normally.
  if (!legacy && load_->under_load(now) && !cookies_.verify(msg, sender, now)) {
    ++drops[static_cast<std::size_t>(DropReason::kUnderLoad)];
    return {cookies_.reply(msg, sender, own_cookie_key_, now, *rng_), std::nullopt, std::nullopt};
  }

  SessionId sidi;
  std::copy_n(msg.begin() + L.sidi(), wire::kSidSize, sidi.begin());
  auto epki = wire::field<wire::kEpkiSize>(msg, L.epki());

  ChainingKey ck(h, own_[hi].ck_init);  // IHR1
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
  Peer& p = *peers[index];
  if (!profile_allows(p, used)) return drop(DropReason::kWrongProfile);

  ck.mix_all(*p.pk, p.psk.reveal());                                               // IHR7
  if (!ck.decrypt_and_mix(kNoPlaintext, msg.subspan(L.auth(), wire::kTagSize))) {  // IHR8
    return drop(DropReason::kCryptoFailure);
  }

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
  seal_mac(out, p.consts[hi].mac_key, h);                         // cookie field stays zero

  // We answered the peer while our own handshake with it (same wire) is running: if ours
  // wins the race, the InitConf to this biscuit must not replace its key.
  if (p.wins_races && p.hs && p.hs->profile == used) p.raced_biscuit = number;
  if (p.configured == WireProfile::kAuto && !p.learned) p.learned = used;
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
    Peer& p = *peers[it->second];
    if (p.cache && p.session && p.session->sidm == sidr &&
        crypto::ct_equal(digest, p.cache->init_conf_hash)) {
      if (!mac_ok(msg, own_[hash_index(p.cache->hash)].mac_key, p.cache->hash)) {
        return drop(DropReason::kBadMac);
      }
      std::vector<uint8_t> again(p.cache->empty_data.begin(), p.cache->empty_data.end());
      return {std::move(again), std::nullopt, PeerHandle{it->second}};
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
  Peer& p = *peers[index];
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
  if (p.wins_races) {
    bool lost_race =
        (p.raced_biscuit && compare_biscuit_no(contents->number, *p.raced_biscuit) <= 0) ||
        (p.initiator_floor && compare_biscuit_no(contents->number, *p.initiator_floor) < 0) ||
        (p.hs && p.hs->state == InitiatorHandshake::State::kAwaitEmptyData);
    if (lost_race) return drop(DropReason::kReplay);
  }
  if (auto clash = by_sid_.find(sid_key(sidr)); clash != by_sid_.end() && clash->second != index) {
    return drop(DropReason::kUnexpected);  // sidr is in use by another peer (§10.1)
  }

  p.biscuit_used = contents->number;  // ICR6
  KeyEvent event = exchanged(index, ck);
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
  seal_mac(out, p.consts[hi].mac_key, h);
  std::vector<uint8_t> reply(out.begin(), out.end());
  p.cache = cached;
  return {std::move(reply), std::move(event), PeerHandle{index}};
}

}  // namespace rosenpass::protocol
