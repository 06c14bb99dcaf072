// rp's key directories (application.md §2.5, §6.2): `rp genkey DIR` and `rp pubkey PRIV PUB`.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "rosenpass/base/result.h"
#include "rosenpass/kem/mceliece460896.h"

namespace rosenpass::rp {

// Writes a message for the user (stderr in the program).
using Notice = std::function<void(const std::string&)>;

// Key generation is injected so tests can use a fast stand-in; the default is McEliece.
using KeypairGenerator =
    std::function<void(kem::mceliece460896::PublicKey&, kem::mceliece460896::SecretKey&)>;
KeypairGenerator default_keypair_generator();

// Creates DIR (mode 0700) with wgsk, pqsk, pqpk. An existing DIR must be a 0700 directory;
// existing keys are kept (never overwritten), missing ones generated. The error's message is
// the one line rp prints.
base::Status genkey(const std::filesystem::path& dir, const KeypairGenerator& gen,
                    const Notice& notice);

// Creates PUB (must not exist) with wgpk (from PRIV/wgsk) and a copy of PRIV/pqpk.
base::Status pubkey(const std::filesystem::path& private_dir,
                    const std::filesystem::path& public_dir);

// Reads a small text file (at most `max` bytes). Error if unreadable or larger; its message
// is the bare cause, for the caller to name the file ("No such file or directory",
// "Permission denied", "Is a directory", "larger than N bytes").
base::Result<std::string> read_small_file(const std::filesystem::path& p, std::size_t max);

// `{path:?}`-style quoting for messages: "path" with \" and \\ escaped.
std::string quoted(const std::filesystem::path& p);

}  // namespace rosenpass::rp
