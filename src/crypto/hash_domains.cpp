#include "rosenpass/crypto/hash_domains.h"

#include <string>

namespace rosenpass::crypto {
namespace {

std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

HashDomains build(HashChoice c) {
  HashDomains d{};
  const HashValue zero{};
  d.protocol_key = keyed_hash(c, zero, bytes(protocol_string(c)));
  auto lhash = [&](std::string_view label) { return keyed_hash(c, d.protocol_key, bytes(label)); };
  d.mac = lhash("mac");
  d.cookie = lhash("cookie");
  d.cookie_value = lhash("cookie-value");
  d.cookie_key = lhash("cookie-key");
  d.peer_id = lhash("peer id");
  d.biscuit_ad = lhash("biscuit additional data");
  d.chaining_key_init = lhash("chaining key init");
  d.chaining_key_extract = lhash("chaining key extract");
  auto extract = [&](std::string_view label) {
    return keyed_hash(c, d.chaining_key_extract, bytes(label));
  };
  d.mix = extract("mix");
  d.handshake_enc = extract("handshake encryption");
  d.initiator_enc = extract("initiator handshake encryption");
  d.responder_enc = extract("responder handshake encryption");
  d.user = extract("user");
  d.osk_wireguard = hash_fold(c, d.user, {bytes("rosenpass.eu"), bytes("wireguard psk")});
  return d;
}

}  // namespace

std::string_view protocol_string(HashChoice choice) {
  // V02 says BLAKE2s although it uses BLAKE2b; the string is part of the wire format.
  return choice == HashChoice::kShake256
             ? "Rosenpass v1 mceliece460896 Kyber512 ChaChaPoly1305 SHAKE256"
             : "Rosenpass v1 mceliece460896 Kyber512 ChaChaPoly1305 BLAKE2s";
}

const HashDomains& hash_domains(HashChoice choice) {
  static const HashDomains blake = build(HashChoice::kBlake2b);
  static const HashDomains shake = build(HashChoice::kShake256);
  return choice == HashChoice::kShake256 ? shake : blake;
}

HashValue hash_fold(HashChoice choice, std::span<const uint8_t, kHashSize> key,
                    std::initializer_list<std::span<const uint8_t>> elements) {
  HashValue acc;
  std::copy(key.begin(), key.end(), acc.begin());
  for (auto e : elements) acc = keyed_hash(choice, acc, e);
  return acc;
}

HashValue osk_domain(HashChoice choice, std::string_view organization,
                     std::span<const std::string> labels) {
  HashValue acc = keyed_hash(choice, hash_domains(choice).user, bytes(organization));
  for (const auto& l : labels) acc = keyed_hash(choice, acc, bytes(l));
  return acc;
}

}  // namespace rosenpass::crypto
