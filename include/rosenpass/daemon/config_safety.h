// Checks that refuse a configuration that would run but do harm or never work (issue 18,
// issue 16), run by `validate` and before the daemon starts, after the §3.5 checks:
//   - every key file readable by us (the daemon loads them before dropping privileges);
//   - our public key belongs to our secret key (one McEliece encapsulation/decapsulation);
//   - no peer holds our own public key (refused at start, a warning in `validate`);
//   - each key_out writable (its directory, or the existing file in place), distinct from
//     every key file of the config and from every other peer's key_out.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "rosenpass/daemon/config.h"
#include "rosenpass/daemon/key_files.h"
#include "rosenpass/daemon/result.h"

namespace rosenpass::daemon {

// Who will write key_out files: the process itself (nullopt), or the unprivileged user the
// daemon switches to after set-up (checked from the permission bits; ACLs are not read).
struct WriterIdentity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

// Replaces a key path that is an `rp` key directory by the file in it (`pqpk` for public keys,
// `pqsk` for our secret key) and notes each replacement in `notes` (logged at -v). A directory
// that is not an rp key directory is an error: "... is a directory".
Status resolve_key_directories(Config& config, std::vector<std::string>& notes);

// The public keys of a config as the daemon's start-up checks mapped them: the daemon runs on
// these mappings (PeerConfig::mapped_public_key) instead of opening and mapping each file
// again, and compares them with our own in memory (10,000 peers: ~40,000 system calls fewer).
struct MappedPublicKeys {
  SharedPublicKey own;                 // null without a keypair
  std::vector<SharedPublicKey> peers;  // by index into Config::peers
  std::optional<std::size_t> peer_with_own_key;  // the first one
};

// The checks listed above; the first failure, naming the file, the peer and the problem.
// A peer with our own public key is only a warning here: the reference's own test of
// `validate` configures exactly that (application.md §3.6); the daemon refuses it at start
// with refuse_peer_with_own_key(). With `mapped` (the daemon's start), each public-key file
// is mapped instead of only checked (same errors), the mappings are kept there, and the own
// key is left to refuse_peer_with_own_key(config, mapped) (no warning).
Status check_config_safety(const Config& config, std::vector<std::string>& warnings,
                           const std::optional<WriterIdentity>& writer = std::nullopt,
                           MappedPublicKeys* mapped = nullptr);

// One key_out path checked as the running process will write it (its effective user: after
// confinement the service user): the directory exists and lets us create the file, or the
// existing file can be written in place. For peers added through the control API at run time.
// The error begins with `what` ("API peer 3 key_out \"/x\" can not be written: ...").
Status check_key_out_writable(const std::string& what, const std::string& key_out);

// Whether `who` may create files in directory `dir` (write and search permission bits; root
// always). For key_out files prepared as root and written as the service user.
bool can_create_files_in(const std::string& dir, const WriterIdentity& who);

// A peer whose public-key file holds our own public key: it would only ever talk to itself.
// With `mapped` (from check_config_safety), compared in memory; else each file is read.
Status refuse_peer_with_own_key(const Config& config, const MappedPublicKeys* mapped = nullptr);

}  // namespace rosenpass::daemon
