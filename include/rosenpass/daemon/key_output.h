// Where a peer's output key goes on each key event (application.md §4.4): the key_out file
// and the stdout notification line (the sink: peer_loader.h).
#pragma once

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

}  // namespace rosenpass::daemon
