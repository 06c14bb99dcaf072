#include "rosenpass/daemon/key_files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "rosenpass/base/atomic_file.h"
#include "rosenpass/base/fd.h"
#include "rosenpass/base/io.h"
#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/random.h"
#include "rosenpass/crypto/secure_memory.h"
#include "rosenpass/daemon/debug_quote.h"
#include "rosenpass/daemon/key_output.h"

namespace rosenpass::daemon {
namespace {

std::string os_error(int err) {
  return std::string(std::strerror(err)) + " (os error " + std::to_string(err) + ")";
}

Error file_error(const std::string& what, const std::string& path, int err) {
  return Error{what + " " + debug_quote(path), {os_error(err)}};
}

// Reads exactly out.size() bytes; false on short read or error (errno set, 0 for short).
bool read_exact(int fd, std::span<uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = 0;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool at_eof(int fd) {
  uint8_t b;
  for (;;) {
    ssize_t n = ::read(fd, &b, 1);
    if (n < 0 && errno == EINTR) continue;
    return n == 0;
  }
}

Error size_error(const std::string& path, bool too_long) {
  return Error{"Could not load file " + debug_quote(path),
               {too_long ? "File too long!" : "failed to fill whole buffer"}};
}

// A public-key file opened for reading, checked to be a regular file of exactly the key's size
// (the reference's errors for a short or long file).
Result<base::UniqueFd> open_public_key_file(const std::string& path) {
  base::UniqueFd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!f.valid()) return file_error("Could not load file", path, errno);
  struct stat st {};
  if (::fstat(f.get(), &st) != 0) return file_error("Could not load file", path, errno);
  if (!S_ISREG(st.st_mode)) return file_error("Could not load file", path, EINVAL);
  if (st.st_size != static_cast<off_t>(mce::kPublicKeySize)) {
    return size_error(path, st.st_size > static_cast<off_t>(mce::kPublicKeySize));
  }
  return Result<base::UniqueFd>(std::move(f));
}

// Whether the open file holds `same_as`, read until the first differing 4 KiB block.
Result<bool> holds_key(int fd, const std::string& path, const mce::PublicKey& same_as) {
  // Public data: an ordinary comparison is fine.
  std::array<uint8_t, 4096> block;
  for (std::size_t off = 0; off < mce::kPublicKeySize; off += block.size()) {
    const std::size_t n = std::min(block.size(), mce::kPublicKeySize - off);
    if (!read_exact(fd, std::span(block.data(), n))) {
      return file_error("Could not load file", path, errno ? errno : EIO);
    }
    if (!std::equal(block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n),
                    same_as.begin() + static_cast<std::ptrdiff_t>(off))) {
      return false;
    }
  }
  return true;
}

Result<SharedPublicKey> map_open_key(const base::UniqueFd& f, const std::string& path) {
  void* p = ::mmap(nullptr, mce::kPublicKeySize, PROT_READ, MAP_PRIVATE, f.get(), 0);
  if (p == MAP_FAILED) return file_error("Could not map file", path, errno);
  // PublicKey is a std::array of bytes, so the mapping is a valid object representation.
  auto* key = static_cast<const mce::PublicKey*>(p);
  return SharedPublicKey(key, [](const mce::PublicKey* k) {
    ::munmap(const_cast<mce::PublicKey*>(k), mce::kPublicKeySize);
  });
}

}  // namespace

Result<SharedPublicKey> load_public_key(const std::string& path) {
  auto opened = open_public_key_file(path);
  if (!opened) return opened.error();
  return map_open_key(*opened, path);
}

Result<MappedPublicKey> map_public_key(const std::string& path, const mce::PublicKey* same_as) {
  auto opened = open_public_key_file(path);
  if (!opened) return opened.error();
  MappedPublicKey out;
  if (same_as) {
    // Read, not compared through the new mapping: the first touch of a fresh mapping costs
    // more than a read (10,000 of them at start, in this project's VMs ~20 us each).
    auto same = holds_key(opened->get(), path, *same_as);
    if (!same) return same.error();
    out.same = *same;
  }
  auto key = map_open_key(*opened, path);
  if (!key) return key.error();
  out.key = std::move(*key);
  return out;
}

Result<bool> check_public_key_file(const std::string& path, const mce::PublicKey* same_as) {
  auto opened = open_public_key_file(path);
  if (!opened) return opened.error();
  if (!same_as) return false;
  return holds_key(opened->get(), path, *same_as);
}

Result<LoadedSecretKey> load_secret_key(const std::string& path) {
  base::UniqueFd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!f.valid()) return file_error("Could not load file", path, errno);
  struct stat st {};
  if (::fstat(f.get(), &st) != 0) return file_error("Could not load file", path, errno);
  LoadedSecretKey out;
  if (st.st_size == static_cast<off_t>(mce::kLegacySecretKeySize)) {
    // v0.2.x layout s||g||alpha; ours is delta||c||g||alpha||s (protocol.md §15.3).
    crypto::Secret<mce::kLegacySecretKeySize> legacy;
    if (!read_exact(f.get(), legacy.reveal_mut()) || !at_eof(f.get()))
      return size_error(path, true);
    constexpr std::size_t kS = 576, kG = 192, kAlpha = 12800, kDelta = 32, kC = 8;
    static_assert(kS + kG + kAlpha == mce::kLegacySecretKeySize);
    static_assert(kDelta + kC + kG + kAlpha + kS == mce::kSecretKeySize);
    auto src = legacy.reveal();
    auto dst = out.key.reveal_mut();
    // delta stays zero: decapsulation never reads it.
    constexpr std::array<uint8_t, kC> kPivots = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
    std::memcpy(dst.data() + kDelta, kPivots.data(), kC);
    std::memcpy(dst.data() + kDelta + kC, src.data() + kS, kG + kAlpha);
    std::memcpy(dst.data() + kDelta + kC + kG + kAlpha, src.data(), kS);
    out.was_legacy_layout = true;
    return out;
  }
  if (st.st_size != static_cast<off_t>(mce::kSecretKeySize) && S_ISREG(st.st_mode)) {
    return size_error(path, st.st_size > static_cast<off_t>(mce::kSecretKeySize));
  }
  if (!read_exact(f.get(), out.key.reveal_mut())) {
    if (errno != 0) return file_error("Could not load file", path, errno);
    return size_error(path, false);
  }
  if (!at_eof(f.get())) return size_error(path, true);
  return out;
}

Result<LoadedPsk> load_psk(const std::string& path) {
  constexpr std::size_t kMaxFile = 1000;  // the reference's cap
  base::UniqueFd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!f.valid()) return file_error("Could not load base64 file", path, errno);
  // The file text is as secret as the key: keep it in locked memory.
  crypto::Secret<kMaxFile + 1> buf;
  std::size_t len = 0;
  auto bytes = buf.reveal_mut();
  for (;;) {
    ssize_t n = ::read(f.get(), bytes.data() + len, bytes.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return file_error("Could not load base64 file", path, errno);
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
    if (len > kMaxFile) {
      return Error{"Could not load base64 file " + debug_quote(path), {"File too long!"}};
    }
  }
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), len);
  std::size_t end = text.size();
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' ' ||
                     text[end - 1] == '\t')) {
    --end;
  }
  std::string_view trailing = text.substr(end);
  LoadedPsk out;
  out.had_extra_whitespace =
      !(trailing.empty() || trailing == "\n" || trailing == "\r" || trailing == "\r\n");
  if (!crypto::base64_decode_into(text.substr(0, end), out.key.reveal_mut())) {
    return Error{"Could not decode base64 file " + debug_quote(path),
                 {"expected 44 characters of standard base64 encoding 32 bytes"}};
  }
  return out;
}

FileProbe probe_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {S_ISREG(st.st_mode), st.st_size};
}

namespace {

// In-place write for paths that are not regular files (a FIFO, /dev/stdout, a device):
// renaming over those would replace the node itself.
Status write_in_place(const std::string& path, std::span<const uint8_t> bytes) {
  base::UniqueFd f(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!f.valid()) return file_error("Could not write file", path, errno);
  if (int err = base::write_all(f.get(), bytes); err != 0) {
    return file_error("Could not write file", path, err);
  }
  return ok_status();
}

}  // namespace

Status write_file_atomic(const std::string& given_path, std::span<const uint8_t> bytes,
                         mode_t mode) {
  std::string path = given_path;
  struct stat existing {};
  bool exists = ::stat(path.c_str(), &existing) == 0;
  if (exists && !S_ISREG(existing.st_mode) && !S_ISDIR(existing.st_mode)) {
    return write_in_place(path, bytes);
  }
  // A symlink keeps pointing where it did: the new file replaces its target.
  struct stat link {};
  if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode) && exists) {
    if (char* real = ::realpath(path.c_str(), nullptr)) {
      path = real;
      std::free(real);
    }
  }
  base::ReplaceOptions options;
  options.new_file_mode = mode;
  if (int err = base::replace_file(path, bytes, options); err != 0) {
    return file_error("Could not write file", given_path, err);
  }
  return ok_status();
}

Status write_key_out(const std::string& path, const crypto::Secret<32>& key) {
  return KeyOutFile::prepare(path, {}).write(key);
}

}  // namespace rosenpass::daemon
