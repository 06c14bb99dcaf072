#include "rosenpass/daemon/config_safety.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "rosenpass/crypto/constant_time.h"
#include "rosenpass/daemon/debug_quote.h"
#include "rosenpass/daemon/key_files.h"
#ifdef RP_HAVE_MCELIECE
#include "rosenpass/crypto/random.h"
#endif

namespace rosenpass::daemon {
namespace {

namespace fs = std::filesystem;

std::string os_error(int err) {
  return std::string(std::strerror(err)) + " (os error " + std::to_string(err) + ")";
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_regular(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// `path` names a directory: use `dir/file` if it is an rp key directory, else refuse.
Status resolve_one(std::string& path, const char* file, const std::string& what,
                   std::vector<std::string>& notes) {
  if (!is_dir(path)) return ok_status();
  std::string inner = path + (path.ends_with('/') ? "" : "/") + file;
  if (!is_regular(inner)) {
    return make_error(what + " " + debug_quote(path) +
                      " is a directory, not a key file (an rp key directory would hold `" +
                      file + "`)");
  }
  notes.push_back(what + " " + debug_quote(path) + " is an rp key directory; using " +
                  debug_quote(inner));
  path = std::move(inner);
  return ok_status();
}

// Whether `who` may access a file with status `st` (permission bits only).
bool permits(const struct stat& st, int mode, const WriterIdentity& who) {
  if (who.uid == 0) return true;
  unsigned bits = st.st_mode & 7;
  if (st.st_uid == who.uid) {
    bits = (st.st_mode >> 6) & 7;
  } else if (st.st_gid == who.gid ||
             std::find(who.groups.begin(), who.groups.end(), st.st_gid) != who.groups.end()) {
    bits = (st.st_mode >> 3) & 7;
  }
  unsigned need = ((mode & R_OK) ? 4u : 0u) | ((mode & W_OK) ? 2u : 0u) | ((mode & X_OK) ? 1u : 0u);
  return (bits & need) == need;
}

bool can_access(const std::string& path, int mode, const std::optional<WriterIdentity>& who) {
  if (!who) return ::faccessat(AT_FDCWD, path.c_str(), mode, AT_EACCESS) == 0;
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && permits(st, mode, *who);
}

// The identity of a path for "is this the same file": its inode if it exists, and its
// absolute path with symlinks of the existing part resolved.
struct FileId {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string canonical;
};

FileId file_id(const std::string& path) {
  FileId id;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    id.exists = true;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
  }
  std::error_code ec;
  auto c = fs::weakly_canonical(fs::absolute(path, ec), ec);
  id.canonical = ec ? path : c.lexically_normal().string();
  return id;
}

bool same_file(const FileId& a, const FileId& b) {
  if (a.exists && b.exists) return a.dev == b.dev && a.ino == b.ino;
  return a.canonical == b.canonical;
}

// The file a key write lands in: a dangling symlink's target (the key is written through it).
std::string write_target(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode) || ::stat(path.c_str(), &st) == 0) {
    return path;
  }
  std::error_code ec;
  fs::path target = fs::read_symlink(path, ec);
  if (ec) return path;
  if (target.is_relative()) target = fs::path(path).parent_path() / target;
  return target.string();
}

Status check_key_out(const std::string& n, const std::string& key_out,
                     const std::optional<WriterIdentity>& who) {
  const std::string q = n + " key_out " + debug_quote(key_out);
  const std::string target = write_target(key_out);
  struct stat st {};
  const bool exists = ::stat(target.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) return make_error(q + " is a directory");
  std::string dir = fs::path(target).parent_path().string();
  if (dir.empty()) dir = ".";
  struct stat dst {};
  if (::stat(dir.c_str(), &dst) != 0) {
    int err = errno;
    if (err == ENOENT) return make_error(q + ": directory " + debug_quote(dir) + " does not exist");
    return make_error(q + ": directory " + debug_quote(dir) + ": " + os_error(err));
  }
  if (!S_ISDIR(dst.st_mode)) {
    return make_error(q + ": " + debug_quote(dir) + " is not a directory");
  }
  const std::string by = who ? " by uid " + std::to_string(who->uid) : "";
  const bool file_writable = exists && can_access(target, W_OK, who);
  // Not a regular file (a FIFO, /dev/stdout): written in place, so the file itself counts.
  if (exists && !S_ISREG(st.st_mode)) {
    if (file_writable) return ok_status();
    return make_error(q + " can not be written" + by + ": permission denied");
  }
  // A new file needs the directory; an existing one is replaced there or written in place.
  if (can_access(dir, W_OK | X_OK, who) || file_writable) return ok_status();
  return make_error(q + " can not be written" + by + ": directory " + debug_quote(dir) +
                    " is not writable" +
                    (exists ? " and neither is the file" : " and the file does not exist"));
}

std::string own_key_message(const Config& c, std::size_t i) {
  return "peer " + std::to_string(i) + " public-key file " + debug_quote(c.peers[i].public_key) +
         " holds our own public key (" + debug_quote(c.keypair->public_key) +
         "); a peer's public key comes from the other side";
}

}  // namespace

bool can_create_files_in(const std::string& dir, const WriterIdentity& who) {
  return can_access(dir, W_OK | X_OK, who);
}

Status check_key_out_writable(const std::string& what, const std::string& key_out) {
  return check_key_out(what, key_out, std::nullopt);
}

Status refuse_peer_with_own_key(const Config& c) {
  if (!c.keypair) return ok_status();
  auto own = load_public_key(c.keypair->public_key);
  if (!own) return ok_status();  // reported by the other checks
  for (std::size_t i = 0; i < c.peers.size(); ++i) {
    auto pk = load_public_key(c.peers[i].public_key);
    if (pk && std::equal((*pk)->begin(), (*pk)->end(), (*own)->begin())) {
      return make_error(own_key_message(c, i));
    }
  }
  return ok_status();
}

Status resolve_key_directories(Config& c, std::vector<std::string>& notes) {
  if (c.keypair) {
    if (auto st = resolve_one(c.keypair->public_key, "pqpk", "public-key file", notes); !st)
      return st;
    if (auto st = resolve_one(c.keypair->secret_key, "pqsk", "secret-key file", notes); !st)
      return st;
  }
  for (std::size_t i = 0; i < c.peers.size(); ++i) {
    auto& p = c.peers[i];
    const std::string n = "peer " + std::to_string(i);
    if (auto st = resolve_one(p.public_key, "pqpk", n + " public-key file", notes); !st) return st;
    if (p.pre_shared_key && is_dir(*p.pre_shared_key)) {
      return make_error(n + " pre-shared-key file " + debug_quote(*p.pre_shared_key) +
                        " is a directory");
    }
  }
  return ok_status();
}

Status check_config_safety(const Config& c, std::vector<std::string>& warnings,
                           const std::optional<WriterIdentity>& who) {
  // Key files, readable as the daemon will read them (it loads them before dropping privileges).
  SharedPublicKey own_pk;
  if (c.keypair) {
    const auto& pk = c.keypair->public_key;
    const auto& sk = c.keypair->secret_key;
    auto loaded_sk = load_secret_key(sk);
    if (!loaded_sk) {
      const auto& e = loaded_sk.error();
      return make_error("could not read secret-key file " + debug_quote(sk) + ": " +
                        (e.causes.empty() ? e.message : e.causes.back()));
    }
    auto loaded_pk = load_public_key(pk);
    if (!loaded_pk) {
      const auto& e = loaded_pk.error();
      return make_error("could not read public-key file " + debug_quote(pk) + ": " +
                        (e.causes.empty() ? e.message : e.causes.back()));
    }
    own_pk = *loaded_pk;
#ifdef RP_HAVE_MCELIECE
    // A key pair belongs together if a key encapsulated to the public key decapsulates to
    // the same key with the secret key (~0.1 ms; a wrong pair gives the implicit-rejection key).
    namespace mce = kem::mceliece460896;
    mce::Ciphertext ct{};
    mce::SharedKey sent, received;
    mce::encaps(ct, sent, *own_pk, crypto::system_random());
    mce::decaps(received, ct, loaded_sk->key);
    if (!crypto::ct_equal(sent.reveal(), received.reveal())) {
      return make_error("public-key file " + debug_quote(pk) +
                        " does not belong to secret-key file " + debug_quote(sk) +
                        " (use the two files `rosenpass gen-keys` wrote together)");
    }
#endif
  }
  for (std::size_t i = 0; i < c.peers.size(); ++i) {
    const auto& p = c.peers[i];
    const std::string n = "peer " + std::to_string(i);
    auto peer_pk = load_public_key(p.public_key);
    if (!peer_pk) {
      const auto& e = peer_pk.error();
      return make_error(n + " public-key file " + debug_quote(p.public_key) +
                        " can not be read: " + (e.causes.empty() ? e.message : e.causes.back()));
    }
    // Public data: an ordinary comparison is fine.
    if (own_pk && std::equal((*peer_pk)->begin(), (*peer_pk)->end(), own_pk->begin())) {
      warnings.push_back(own_key_message(c, i));
    }
    if (p.pre_shared_key) {
      int fd = ::open(p.pre_shared_key->c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        return make_error(n + " pre-shared-key file " + debug_quote(*p.pre_shared_key) +
                          " can not be read: " + os_error(errno));
      }
      ::close(fd);
    }
  }

  // key_out: writable, and never one of the config's key files or another peer's key_out.
  struct KeyFile {
    std::string description;
    FileId id;
  };
  std::vector<KeyFile> key_files;
  if (c.keypair) {
    key_files.push_back({"our secret-key file", file_id(c.keypair->secret_key)});
    key_files.push_back({"our public-key file", file_id(c.keypair->public_key)});
  }
  for (std::size_t i = 0; i < c.peers.size(); ++i) {
    const auto& p = c.peers[i];
    const std::string n = "peer " + std::to_string(i);
    key_files.push_back({"the public-key file of " + n, file_id(p.public_key)});
    if (p.pre_shared_key) {
      key_files.push_back({"the pre-shared-key file of " + n, file_id(*p.pre_shared_key)});
    }
  }
  std::vector<std::pair<std::size_t, FileId>> outs;
  for (std::size_t i = 0; i < c.peers.size(); ++i) {
    const auto& p = c.peers[i];
    if (!p.key_out) continue;
    const std::string n = "peer " + std::to_string(i);
    const FileId id = file_id(write_target(*p.key_out));
    for (const auto& k : key_files) {
      if (same_file(id, k.id)) {
        return make_error(n + " key_out " + debug_quote(*p.key_out) + " is " + k.description +
                          "; writing exchanged keys there would destroy it");
      }
    }
    for (const auto& [j, other] : outs) {
      if (same_file(id, other)) {
        return make_error("peer " + std::to_string(j) + " and " + n + " have the same key_out " +
                          debug_quote(*p.key_out) + "; each peer needs its own file");
      }
    }
    if (auto st = check_key_out(n, *p.key_out, who); !st) return st;
    outs.emplace_back(i, id);
  }
  return ok_status();
}

}  // namespace rosenpass::daemon
