// Where a peer's output key goes on each key event (application.md §4.4): the key_out file
// and the stdout notification line, and the WireGuard PSK hand-off.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "rosenpass/base/atomic_file.h"
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

// One peer's key_out file (§2.3): 44 base64 characters, no newline, 0600 when created.
// Made once at start (prepare), then written on every key event (write).
//
// A key is written to a temporary file beside the target, fsync'd and renamed over it, so
// readers never see a partial key. Where that is impossible the file is rewritten in place
// (as the reference always does) rather than losing the key:
//  * the directory is not writable (a service user's pre-created file in a root-owned
//    directory, a read-only bind mount): detected at start, one warning;
//  * the existing file belongs to another user or group we cannot give the new file
//    (non-root), or has further hard links: its owner, group, mode and links are kept.
// A symlink is followed to its final target (created if missing); the link stays.
class KeyOutFile {
 public:
  using WarningSink = std::function<void(const std::string&)>;

  // Resolves symlinks, removes `<name>.tmp-<16 hex>` files an interrupted write left beside
  // the target (returned by removed_temp_files()), and probes whether the directory allows
  // a rename. Warnings (at most one here, at most one more later) go to `warn`. Never fails:
  // a missing directory is reported by write(), as a key event's error.
  // `writer_can_create_in(dir)`, if set, answers for the user the daemon switches to after
  // set-up (prepared as root, written as that user): false means in-place writes from the
  // start, with the same warning as a failed probe.
  using CreateCheck = std::function<bool(const std::string& dir)>;
  static KeyOutFile prepare(const std::string& configured_path, WarningSink warn,
                            const CreateCheck& writer_can_create_in = {});

  // Writes the key (atomic or in place, see above). The error names the configured path.
  Status write(const crypto::Secret<32>& key);

  const std::string& configured_path() const { return configured_; }
  const std::string& target_path() const { return target_; }  // after following symlinks
  bool replaces_atomically() const { return atomic_; }         // false: in-place writes
  std::size_t removed_temp_files() const { return removed_temp_files_; }

 private:
  Status write_replacing(std::string_view text, const base::ExistingFile& existing,
                         bool& fall_back);
  Status write_in_place(std::string_view text);

  std::string configured_;
  std::string target_;
  bool atomic_ = true;
  bool warned_ = false;
  std::size_t removed_temp_files_ = 0;
  WarningSink warn_;
};

}  // namespace rosenpass::daemon
