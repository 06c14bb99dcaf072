// KeySink: where one peer's output key goes on each key event (application.md §4.4, §4.6):
// the key_out file, the stdout notification line, a WireGuard peer's PSK (natively or via a
// broker), or an embedding host's callback. A sink is bound to one peer when the peer is
// added and keeps what it needs (paths, a parsed WireGuard target): nothing is parsed or
// resolved at key events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rosenpass/base/result.h"
#include "rosenpass/crypto/secret.h"

namespace rosenpass::base {

enum class KeyKind : uint8_t {
  kExchanged,  // a handshake completed: the key is the new shared output key (OSK, §11)
  kStale,      // no fresh key for 180 s: the key is 32 random bytes replacing the old one
};

// One key event for the sink's peer.
struct KeyUpdate {
  KeyKind kind;
  const crypto::Secret<32>& key;  // never log or copy out of locked memory needlessly
  std::string_view peer_id;       // base64 peer id under the hash in use (as printed on stdout)
};

// Why an installation failed. kRejected: the target said no (e.g. WireGuard refused the
// peer); worth an error log line, not fatal. kFailed: an I/O failure that counts against the
// event loop's failure budget (§4.10: the 11th consecutive one ends the daemon).
enum class SinkErrorKind : uint8_t { kRejected, kFailed };

struct SinkError {
  SinkErrorKind kind = SinkErrorKind::kFailed;
  std::string message;  // never contains the key
  static SinkError rejected(std::string m) { return {SinkErrorKind::kRejected, std::move(m)}; }
  static SinkError failed(std::string m) { return {SinkErrorKind::kFailed, std::move(m)}; }
};
// Installed, or why not.
using SinkStatus = Result<Ok, SinkError>;

class KeySink {
 public:
  virtual ~KeySink() = default;
  // Installs (or replaces, for kStale) the peer's key. Called from the event loop: must not
  // block for long (no DNS, no waiting on a child).
  virtual SinkStatus install(const KeyUpdate& update) = 0;
};

}  // namespace rosenpass::base
