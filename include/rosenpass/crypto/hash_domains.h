// The hash-domain label tree of protocol.md §4 for each keyed-hash choice, computed once.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "rosenpass/crypto/keyed_hash.h"

namespace rosenpass::crypto {

using HashValue = std::array<uint8_t, kHashSize>;

// The PROTOCOL string that roots the tree for a hash choice (§2.1).
std::string_view protocol_string(HashChoice choice);

struct HashDomains {
  HashValue protocol_key;          // hash(0^32, PROTOCOL)
  HashValue mac;                   // lhash("mac")
  HashValue cookie;                // lhash("cookie")
  HashValue cookie_value;          // lhash("cookie-value")
  HashValue cookie_key;            // lhash("cookie-key")
  HashValue peer_id;               // lhash("peer id")
  HashValue biscuit_ad;            // lhash("biscuit additional data")
  HashValue chaining_key_init;     // lhash("chaining key init")
  HashValue chaining_key_extract;  // lhash("chaining key extract")
  HashValue mix;                   // extract("mix")
  HashValue handshake_enc;         // extract("handshake encryption")
  HashValue initiator_enc;         // extract("initiator handshake encryption")
  HashValue responder_enc;         // extract("responder handshake encryption")
  HashValue user;                  // extract("user")
  HashValue osk_wireguard;         // extract("user", "rosenpass.eu", "wireguard psk")
};

// The tree for one hash choice; computed on first use, then shared.
const HashDomains& hash_domains(HashChoice choice);

// hash(...hash(hash(key, e1), e2)..., en): the left fold of §4.1.
HashValue hash_fold(HashChoice choice, std::span<const uint8_t, kHashSize> key,
                    std::initializer_list<std::span<const uint8_t>> elements);

// Custom output-key domain: extract("user", organization, labels...) (§11).
HashValue osk_domain(HashChoice choice, std::string_view organization,
                     std::span<const std::string> labels);

}  // namespace rosenpass::crypto
