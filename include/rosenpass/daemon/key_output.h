// Where a peer's output key goes on each key event (application.md §4.4): the key_out file
// and the stdout notification line, and the WireGuard PSK hand-off.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "rosenpass/crypto/secret.h"
#include "rosenpass/daemon/config.h"
#include "rosenpass/daemon/result.h"

namespace rosenpass::daemon {

enum class KeyEventKind { kExchanged, kStale };

// `output-key peer <id> key-file "<path>" exchanged|stale` (no newline).
std::string output_key_line(std::string_view peer_id_b64, const std::string& key_out_path,
                            KeyEventKind kind);

// Writes `line` plus a newline to stdout in one write(2): nothing buffers it.
Status write_stdout_line(const std::string& line);

// The WireGuard side (branch `wireguard` provides the implementations): install `key` as the
// PSK of `target`. An Error counts as an event-loop failure (§4.10); a rejection the sink
// only wants logged should be logged by the sink and returned as success.
using PskDelivery = std::function<Status(std::size_t peer_index, const WireGuardTarget& target,
                                         const crypto::Secret<32>& key)>;

}  // namespace rosenpass::daemon
