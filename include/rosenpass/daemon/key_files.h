// Key files (application.md §2): raw static keys, base64 PSK files, the key_out file.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "rosenpass/crypto/secret.h"
#include "rosenpass/daemon/result.h"
#include "rosenpass/kem/mceliece460896.h"

namespace rosenpass::daemon {

namespace mce = kem::mceliece460896;

using SharedPublicKey = std::shared_ptr<const mce::PublicKey>;

// Maps a 524,160-byte public-key file read-only; the pages are shared with the page cache and
// unmapped when the last owner goes. Other sizes are an error.
Result<SharedPublicKey> load_public_key(const std::string& path);

// Checks a public-key file as load_public_key would (same errors) without mapping it, and
// tells whether it holds `same_as` (if given): reads until the first differing 4 KiB block,
// so a different key costs one small read. For start-up checks of thousands of peers, where
// a mapping per file (and its unmap, a TLB flush) costs more than the check itself.
Result<bool> check_public_key_file(const std::string& path, const mce::PublicKey* same_as = nullptr);

// load_public_key() and check_public_key_file() in one open: the mapping, and whether the
// file holds `same_as` (if given; read from the file, so the new mapping is not touched).
struct MappedPublicKey {
  SharedPublicKey key;
  bool same = false;
};
Result<MappedPublicKey> map_public_key(const std::string& path,
                                       const mce::PublicKey* same_as = nullptr);

struct LoadedSecretKey {
  mce::SecretKey key;              // always the 13,608-byte layout
  bool was_legacy_layout = false;  // the file held v0.2.x's 13,568-byte layout
};
// Reads a secret-key file of either size straight into locked memory.
Result<LoadedSecretKey> load_secret_key(const std::string& path);

using Psk = crypto::Secret<32>;
struct LoadedPsk {
  Psk key;
  bool had_extra_whitespace = false;  // accepted for v0.2.3 files, worth a warning
};
// A base64 PSK file: 44 characters, then at most whitespace (main allows one line ending;
// v0.2.3 ignored everything after the key, so more whitespace is accepted).
Result<LoadedPsk> load_psk(const std::string& path);

// What a path holds, for validation: a regular file of which size (symlinks followed).
struct FileProbe {
  bool is_regular_file = false;
  off_t size = 0;
};
FileProbe probe_file(const std::string& path);

// Writes `bytes` to `path` atomically: a temporary file in the same directory, then rename.
// A new file gets `mode`; an existing one keeps its permission bits.
Status write_file_atomic(const std::string& path, std::span<const uint8_t> bytes, mode_t mode);

// key_out, one-shot: KeyOutFile::prepare(path).write(key) without the warnings (see
// key_output.h; the daemon keeps a KeyOutFile per peer instead).
Status write_key_out(const std::string& path, const crypto::Secret<32>& key);

}  // namespace rosenpass::daemon
