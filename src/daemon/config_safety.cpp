#include "rosenpass/daemon/config_safety.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

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

// The identity of a path for "is this the same file": its inode if it exists, else its
// absolute path with symlinks of the existing part resolved. An existing file and a missing
// one are never the same: the missing path's resolved form names no existing file (else
// stat would have found it), so the resolution (a few syscalls per path component) is only
// done for missing paths.
struct FileId {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string canonical;  // only for a missing path
};

FileId missing_file_id(const std::string& path);

FileId file_id(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return FileId{true, st.st_dev, st.st_ino, {}};
  return missing_file_id(path);
}

FileId missing_file_id(const std::string& path) {
  FileId id;
  std::error_code ec;
  const fs::path abs = fs::absolute(path, ec);
  const fs::path name = abs.filename();
  if (!ec && !name.empty() && name != "." && name != "..") {
    // The usual case, key_out files not written yet in one directory: resolve the directory
    // once (weakly_canonical resolves the existing prefix and appends the rest, so this is
    // the same result without a stat and readlink per component for each of 10,000 peers).
    thread_local std::pair<std::string, std::string> last_dir;  // directory -> resolved
    const std::string dir = abs.parent_path().string();
    if (last_dir.first != dir || last_dir.second.empty()) {
      struct stat dst {};
      auto c = fs::weakly_canonical(abs.parent_path(), ec);
      const bool usable = !ec && ::stat(dir.c_str(), &dst) == 0 && S_ISDIR(dst.st_mode);
      last_dir = {dir, usable ? c.lexically_normal().string() : std::string()};
    }
    if (!last_dir.second.empty()) {
      id.canonical = (fs::path(last_dir.second) / name).lexically_normal().string();
      return id;
    }
  }
  auto c = fs::weakly_canonical(abs, ec);
  id.canonical = ec ? path : c.lexically_normal().string();
  return id;
}

// The first description recorded for each file identity: one lookup per key_out instead of
// a comparison with every key file and every other key_out (10,000 peers: 10^8 compares).
class FileIdIndex {
 public:
  // Records `id` unless already known; returns the index of its first record.
  std::size_t add(const FileId& id, std::size_t index) {
    if (id.exists) return by_inode_.try_emplace({uint64_t(id.dev), uint64_t(id.ino)}, index).first->second;
    return by_path_.try_emplace(id.canonical, index).first->second;
  }
  std::optional<std::size_t> find(const FileId& id) const {
    if (id.exists) {
      auto it = by_inode_.find({uint64_t(id.dev), uint64_t(id.ino)});
      return it == by_inode_.end() ? std::nullopt : std::optional(it->second);
    }
    auto it = by_path_.find(id.canonical);
    return it == by_path_.end() ? std::nullopt : std::optional(it->second);
  }

 private:
  struct PairHash {
    std::size_t operator()(const std::pair<uint64_t, uint64_t>& p) const {
      return std::hash<uint64_t>()(p.first * 0x9e3779b97f4a7c15ull ^ p.second);
    }
  };
  std::unordered_map<std::pair<uint64_t, uint64_t>, std::size_t, PairHash> by_inode_;
  std::unordered_map<std::string, std::size_t> by_path_;
};

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

// What check_key_out learnt about the last directory: 10,000 key_out files in one directory
// cost one stat and one access check of it, not 10,000 of each. For one check_config_safety
// call only (the files and their permissions do not change within it).
struct DirFacts {
  std::string dir;
  int stat_errno = 0;  // 0: stat succeeded
  bool is_dir = false;
  std::optional<bool> writable;  // W_OK | X_OK for the writer, asked when first needed
};

// `target`: write_target(key_out); `st`: its status if it exists (null: it does not).
Status check_key_out_target(const std::string& n, const std::string& key_out,
                            const std::string& target, const struct stat* st,
                            const std::optional<WriterIdentity>& who, DirFacts& facts) {
  const bool exists = st != nullptr;
  if (exists && S_ISDIR(st->st_mode)) {
    return make_error(n + " key_out " + debug_quote(key_out) + " is a directory");
  }
  std::string dir = fs::path(target).parent_path().string();
  if (dir.empty()) dir = ".";
  if (facts.dir != dir) {
    facts = DirFacts{dir, 0, false, std::nullopt};
    struct stat dst {};
    if (::stat(dir.c_str(), &dst) != 0) {
      facts.stat_errno = errno;
    } else {
      facts.is_dir = S_ISDIR(dst.st_mode);
    }
  }
  if (facts.stat_errno != 0 || !facts.is_dir) {
    const std::string q = n + " key_out " + debug_quote(key_out);
    if (facts.stat_errno == ENOENT) {
      return make_error(q + ": directory " + debug_quote(dir) + " does not exist");
    }
    if (facts.stat_errno != 0) {
      return make_error(q + ": directory " + debug_quote(dir) + ": " + os_error(facts.stat_errno));
    }
    return make_error(q + ": " + debug_quote(dir) + " is not a directory");
  }
  const bool file_writable = exists && can_access(target, W_OK, who);
  auto cannot_write = [&](const std::string& why) {
    const std::string by = who ? " by uid " + std::to_string(who->uid) : "";
    return make_error(n + " key_out " + debug_quote(key_out) + " can not be written" + by + why);
  };
  // Not a regular file (a FIFO, /dev/stdout): written in place, so the file itself counts.
  if (exists && !S_ISREG(st->st_mode)) {
    if (file_writable) return ok_status();
    return cannot_write(": permission denied");
  }
  // A new file needs the directory; an existing one is replaced there or written in place.
  if (!facts.writable) facts.writable = can_access(dir, W_OK | X_OK, who);
  if (*facts.writable || file_writable) return ok_status();
  return cannot_write(": directory " + debug_quote(dir) + " is not writable" +
                      (exists ? " and neither is the file" : " and the file does not exist"));
}

Status check_key_out(const std::string& n, const std::string& key_out,
                     const std::optional<WriterIdentity>& who) {
  const std::string target = write_target(key_out);
  struct stat st {};
  const bool exists = ::stat(target.c_str(), &st) == 0;
  DirFacts facts;
  return check_key_out_target(n, key_out, target, exists ? &st : nullptr, who, facts);
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

Status refuse_peer_with_own_key(const Config& c, const MappedPublicKeys* mapped) {
  if (!c.keypair) return ok_status();
  if (mapped && mapped->peers.size() == c.peers.size()) {
    // Compared while mapping (check_config_safety).
    if (mapped->peer_with_own_key) return make_error(own_key_message(c, *mapped->peer_with_own_key));
    return ok_status();
  }
  auto own = load_public_key(c.keypair->public_key);
  if (!own) return ok_status();  // reported by the other checks
  for (std::size_t i = 0; i < c.peers.size(); ++i) {
    auto same = check_public_key_file(c.peers[i].public_key, own->get());
    if (same && *same) return make_error(own_key_message(c, i));
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
                           const std::optional<WriterIdentity>& who, MappedPublicKeys* mapped) {
  // Key files, readable as the daemon will read them (it loads them before dropping privileges).
  if (mapped) *mapped = MappedPublicKeys{};
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
    if (mapped) mapped->own = own_pk;
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
    auto cant_read = [&](const Error& e) {
      return make_error(n + " public-key file " + debug_quote(p.public_key) +
                        " can not be read: " + (e.causes.empty() ? e.message : e.causes.back()));
    };
    if (mapped) {
      // The daemon's start: map it once for the daemon (the same checks as below).
      auto pk = map_public_key(p.public_key, own_pk.get());
      if (!pk) return cant_read(pk.error());
      if (pk->same && !mapped->peer_with_own_key) mapped->peer_with_own_key = i;
      mapped->peers.push_back(std::move(pk->key));
    } else {
      auto same = check_public_key_file(p.public_key, own_pk.get());
      if (!same) return cant_read(same.error());
      if (*same) warnings.push_back(own_key_message(c, i));
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
  std::vector<std::string> key_files;  // descriptions, by first record in `known`
  FileIdIndex known;
  auto add_key_file = [&](std::string description, const std::string& path) {
    known.add(file_id(path), key_files.size());
    key_files.push_back(std::move(description));
  };
  if (c.keypair) {
    add_key_file("our secret-key file", c.keypair->secret_key);
    add_key_file("our public-key file", c.keypair->public_key);
  }
  for (std::size_t i = 0; i < c.peers.size(); ++i) {
    const auto& p = c.peers[i];
    const std::string n = "peer " + std::to_string(i);
    add_key_file("the public-key file of " + n, p.public_key);
    if (p.pre_shared_key) add_key_file("the pre-shared-key file of " + n, *p.pre_shared_key);
  }
  FileIdIndex outs;  // key_out identity -> peer index
  DirFacts dir_facts;
  for (std::size_t i = 0; i < c.peers.size(); ++i) {
    const auto& p = c.peers[i];
    if (!p.key_out) continue;
    const std::string n = "peer " + std::to_string(i);
    // One lstat (write_target) and one stat per key_out; the directory once (DirFacts).
    const std::string target = write_target(*p.key_out);
    struct stat st {};
    const bool exists = ::stat(target.c_str(), &st) == 0;
    const FileId id = exists ? FileId{true, st.st_dev, st.st_ino, {}} : missing_file_id(target);
    if (auto k = known.find(id)) {
      return make_error(n + " key_out " + debug_quote(*p.key_out) + " is " + key_files[*k] +
                        "; writing exchanged keys there would destroy it");
    }
    if (auto j = outs.find(id)) {
      return make_error("peer " + std::to_string(*j) + " and " + n + " have the same key_out " +
                        debug_quote(*p.key_out) + "; each peer needs its own file");
    }
    if (auto s = check_key_out_target(n, *p.key_out, target, exists ? &st : nullptr, who, dir_facts);
        !s) {
      return s;
    }
    outs.add(id, i);
  }
  return ok_status();
}

}  // namespace rosenpass::daemon
