#include "rosenpass/base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "rosenpass/base/fd.h"
#include "rosenpass/base/io.h"
#include "rosenpass/crypto/random.h"

namespace rosenpass::base {
namespace {

std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::string temp_name_beside(const std::string& path) {
  std::array<uint8_t, kTempHexDigits / 2> rnd{};
  crypto::system_random().fill(rnd);
  std::string tmp = path + std::string(kTempInfix);
  for (uint8_t b : rnd) {
    tmp += "0123456789abcdef"[b >> 4];
    tmp += "0123456789abcdef"[b & 15];
  }
  return tmp;
}

bool is_temp_name_of(std::string_view entry, std::string_view base_name) {
  if (entry.size() != base_name.size() + kTempInfix.size() + kTempHexDigits) return false;
  if (entry.substr(0, base_name.size()) != base_name) return false;
  if (entry.substr(base_name.size(), kTempInfix.size()) != kTempInfix) return false;
  for (char c : entry.substr(base_name.size() + kTempInfix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

int replace_file(const std::string& path, std::span<const uint8_t> bytes,
                 const ReplaceOptions& options) {
  ExistingFile e;
  e.regular = ::stat(path.c_str(), &e.st) == 0 && S_ISREG(e.st.st_mode);
  return replace_file(path, bytes, options, e);
}

int replace_file(const std::string& path, std::span<const uint8_t> bytes,
                 const ReplaceOptions& options, const ExistingFile& known) {
  const bool exists = known.regular;
  const struct stat& existing = known.st;
  const std::string tmp = temp_name_beside(path);
  UniqueFd f(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                    exists ? 0600 : options.new_file_mode));
  if (!f.valid()) return errno;
  auto abandon = [&](int err) {
    ::unlink(tmp.c_str());
    return err;
  };
  if (exists) {
    // The new file must look like the old one: owner and group (a service user's file stays
    // its own), then mode (after chown, which may clear set-id bits).
    bool mode_matches = false;
    if (options.keep_owner) {
      struct stat mine {};
      if (::fstat(f.get(), &mine) != 0) return abandon(errno);
      if (mine.st_uid != existing.st_uid || mine.st_gid != existing.st_gid) {
        if (::fchown(f.get(), existing.st_uid, existing.st_gid) != 0) return abandon(errno);
      } else {
        // Usually so (a 0600 key file, created 0600 under a umask sparing the owner): the
        // fchmod would change nothing, and a key event saves the syscall.
        mode_matches = (mine.st_mode & 07777) == (existing.st_mode & 07777);
      }
    }
    if (!mode_matches && ::fchmod(f.get(), existing.st_mode & 07777) != 0) return abandon(errno);
  }
  if (int err = write_all(f.get(), bytes); err != 0) return abandon(err);
  // The data must be on disk before the name points at it, or a crash can leave an empty file.
  if (::fsync(f.get()) != 0) return abandon(errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return abandon(errno);
  // Make the rename itself durable; failure here loses nothing already visible.
  UniqueFd dir(::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) ::fsync(dir.get());
  return 0;
}

}  // namespace rosenpass::base
