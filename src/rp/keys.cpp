#include "rosenpass/rp/keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "rosenpass/base/io.h"
#include "rosenpass/crypto/random.h"
#include "rosenpass/crypto/secure_memory.h"
#include "rosenpass/wireguard/wg_key.h"

namespace rosenpass::rp {
namespace fs = std::filesystem;
namespace mce = kem::mceliece460896;

namespace {

// Creates `path` exclusively with `mode` and writes `bytes`; never replaces an existing file.
base::Status write_new_file(const fs::path& path, std::span<const uint8_t> bytes, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return base::make_error("could not create " + quoted(path) + ": " + std::strerror(errno));
  if (int e = base::write_all(fd, bytes); e != 0) {
    ::close(fd);
    return base::make_error("could not write " + quoted(path) + ": " + std::strerror(e));
  }
  if (::close(fd) != 0)
    return base::make_error("could not write " + quoted(path) + ": " + std::strerror(errno));
  return base::ok_status();
}

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

std::string quoted(const fs::path& p) {
  std::string out = "\"";
  for (char c : p.string()) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

base::Result<std::string> read_small_file(const fs::path& p, std::size_t max) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::make_error(std::strerror(errno));
  std::string out;
  char buf[256];
  int err = 0;
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) err = errno;  // EISDIR for a directory
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max) break;
  }
  crypto::wipe(buf);
  ::close(fd);
  if (err != 0 || out.size() > max) {
    crypto::wipe(out);
    return base::make_error(err != 0 ? std::string(std::strerror(err))
                                     : "larger than " + std::to_string(max) + " bytes");
  }
  return out;
}

KeypairGenerator default_keypair_generator() {
  return
      [](mce::PublicKey& pk, mce::SecretKey& sk) { mce::keypair(pk, sk, crypto::system_random()); };
}

base::Status genkey(const fs::path& dir, const KeypairGenerator& gen, const Notice& notice) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) == 0) {
    // The reference compares with the file-type bits included and so always fails here; we
    // compare the permission bits, as it meant to.
    if (!S_ISDIR(st.st_mode) || (st.st_mode & 07777) != 0700) {
      return base::make_error("Directory " + quoted(dir) +
                              " has incorrect permissions: please use 0700 for proper security.");
    }
  } else {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
      return base::make_error("could not create directory " + quoted(dir) + ": " + ec.message());
    if (::chmod(
            dir.c_str(), 0700 & ~[] {
              mode_t m = ::umask(0);
              ::umask(m);
              return m;
            }()) != 0) {
      return base::make_error("could not set permissions of " + quoted(dir) + ": " +
                              std::strerror(errno));
    }
  }

  fs::path wgsk = dir / "wgsk", pqsk = dir / "pqsk", pqpk = dir / "pqpk";
  std::error_code ec;
  if (fs::exists(wgsk, ec)) {
    notice("WireGuard secret key already exists at " + quoted(wgsk) + ": not regenerating");
  } else {
    auto sk = crypto::Secret<32>::random(crypto::system_random());
    std::string text = wireguard::wg_key_to_base64(sk.reveal());
    auto written = write_new_file(wgsk, as_bytes(text), 0600);
    crypto::wipe(text);
    if (!written) return written;
  }

  bool have_sk = fs::exists(pqsk, ec), have_pk = fs::exists(pqpk, ec);
  if (have_sk && have_pk) {
    notice("Rosenpass keys already exist in " + quoted(dir) + ": not regenerating");
  } else if (have_sk || have_pk) {
    return base::make_error("only one of " + quoted(pqsk) + " and " + quoted(pqpk) +
                            " exists; refusing to overwrite it (move it away to generate a new "
                            "keypair)");
  } else {
    auto pk = std::make_unique<mce::PublicKey>();
    mce::SecretKey sk;
    gen(*pk, sk);
    if (auto st = write_new_file(pqsk, sk.reveal(), 0600); !st) return st;
    if (auto st = write_new_file(pqpk, *pk, 0666); !st) return st;
  }
  return base::ok_status();
}

base::Status pubkey(const fs::path& private_dir, const fs::path& public_dir) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(public_dir, ec))) {
    return base::make_error("Directory " + quoted(public_dir) + " already exists");
  }
  fs::path wgsk = private_dir / "wgsk", pqpk = private_dir / "pqpk";
  auto sk_text = read_small_file(wgsk, 64);
  if (!sk_text) {
    return base::make_error("could not read WireGuard secret key " + quoted(wgsk) + ": " +
                            sk_text.error().message);
  }
  auto sk = wireguard::wg_secret_key_from_base64(*sk_text);
  crypto::wipe(*sk_text);
  if (!sk) return base::make_error("invalid WireGuard secret key in " + quoted(wgsk));
  if (::access(pqpk.c_str(), R_OK) != 0) {
    return base::make_error("could not read Rosenpass public key " + quoted(pqpk) + ": " +
                            std::strerror(errno));
  }
  if (!fs::is_regular_file(pqpk, ec)) {
    return base::make_error("could not read Rosenpass public key " + quoted(pqpk) +
                            ": not a regular file");
  }

  fs::create_directory(public_dir, ec);
  if (ec)
    return base::make_error("could not create directory " + quoted(public_dir) + ": " +
                            ec.message());
  std::string wgpk = wireguard::wg_key_to_base64(wireguard::wg_public_key_of(*sk));
  if (auto st = write_new_file(public_dir / "wgpk", as_bytes(wgpk), 0644); !st) return st;
  fs::copy_file(pqpk, public_dir / "pqpk", fs::copy_options::none, ec);
  if (ec) return base::make_error("could not copy " + quoted(pqpk) + ": " + ec.message());
  fs::permissions(public_dir / "pqpk", fs::status(pqpk).permissions(), ec);
  return base::ok_status();
}

}  // namespace rosenpass::rp
