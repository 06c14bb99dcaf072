// `rosenpass status` output from a List Peers response (docs/api.md §6): text in the manner
// of `wg show`, or JSON. Peer ids and endpoints only: responses carry no key material.
#pragma once

#include <string>

#include "rosenpass/api/messages.h"

namespace rosenpass::api {

// "1 minute, 2 seconds" (whole seconds; "0 seconds" below one).
std::string human_duration(uint64_t milliseconds);

std::string format_status_text(const ListPeersResponse& status);

// One JSON object: {"has_keypair", "peer_count", "dropped": {reason: n}, "peers": [{"peer_id",
// "endpoint", "endpoint_confirmed", "protocol", "configured_protocol", "seconds_since_key"
// (null: never), "seconds_to_next_rekey" (null: none), "handshakes_completed", "dropped",
// "key_out", "wireguard", "psk"}]}; times in seconds with millisecond precision.
std::string format_status_json(const ListPeersResponse& status);

}  // namespace rosenpass::api
