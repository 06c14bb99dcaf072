#include "rosenpass/daemon/key_output.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <vector>
#include <cerrno>
#include <climits>
#include <cstring>

#include "rosenpass/base/atomic_file.h"
#include "rosenpass/base/fd.h"
#include "rosenpass/base/io.h"
#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/random.h"
#include "rosenpass/crypto/secure_memory.h"
#include "rosenpass/daemon/debug_quote.h"

namespace rosenpass::daemon {

std::string output_key_line(std::string_view peer_id_b64, const std::string& key_out_path,
                            KeyEventKind kind) {
  return "output-key peer " + std::string(peer_id_b64) + " key-file " + debug_quote(key_out_path) +
         (kind == KeyEventKind::kExchanged ? " exchanged" : " stale");
}

Status write_stdout_line(const std::string& line) {
  const std::string text = line + "\n";
  if (int err = base::write_all(STDOUT_FILENO, std::span(text.data(), text.size())); err != 0) {
    return Error{"could not write key notification to stdout", {std::strerror(err)}};
  }
  return ok_status();
}

namespace {

std::string os_error(int err) {
  return std::string(std::strerror(err)) + " (os error " + std::to_string(err) + ")";
}

// A failed key write's cause; for a permission error also who tried (the daemon may run as a
// service user, or as root with only some capabilities left after set-up).
std::string write_error(int err) {
  std::string text = os_error(err);
  if (err != EACCES && err != EPERM) return text;
  text += " writing as uid " + std::to_string(::geteuid()) + ", gid " + std::to_string(::getegid());
  if (::geteuid() == 0) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capget, &header, data) == 0 &&
        !(data[CAP_TO_INDEX(CAP_DAC_OVERRIDE)].effective & CAP_TO_MASK(CAP_DAC_OVERRIDE))) {
      text += " without CAP_DAC_OVERRIDE";
    }
  }
  return text;
}

// Follows a chain of symlinks to the path it finally names, which need not exist yet (a link
// into a fresh /run directory). Gives up after 40 links, like the kernel (open then fails).
std::string follow_symlinks(std::string path) {
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
    std::array<char, PATH_MAX> buf{};
    ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n <= 0 || static_cast<std::size_t>(n) >= buf.size()) return path;
    std::string target(buf.data(), static_cast<std::size_t>(n));
    if (target.front() != '/') {
      auto slash = path.rfind('/');
      target = (slash == std::string::npos ? "" : path.substr(0, slash + 1)) + target;
    }
    path = std::move(target);
  }
  return path;
}

std::pair<std::string, std::string> split_dir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

// What one directory holds for KeyOutFile::prepare: the names of our temporary files in it
// and whether a file can be created there (0, or the errno of the probe). Kept for a second
// and for the last directory only: 10,000 peers' key files in one directory then cost one
// scan and one probe at start instead of 10,000 of each (each scan reading every entry).
struct DirectoryFacts {
  std::string dir;
  std::chrono::steady_clock::time_point taken;
  std::vector<std::string> temp_names;  // "<base>.tmp-<16 hex>" of any base
  std::optional<int> probe_error;       // 0 once a probe succeeded
};

DirectoryFacts& facts_of(const std::string& dir) {
  thread_local DirectoryFacts last;  // C API runtimes may prepare files on their threads
  const auto now = std::chrono::steady_clock::now();
  if (last.dir == dir && now - last.taken < std::chrono::seconds(1)) return last;
  last = DirectoryFacts{dir, now, {}, std::nullopt};
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      auto at = name.rfind(base::kTempInfix);
      if (at != std::string_view::npos && base::is_temp_name_of(name, name.substr(0, at))) {
        last.temp_names.emplace_back(name);
      }
    }
    ::closedir(d);
  }
  return last;
}

// Removes the temporary files an interrupted key write (crash, power loss) left beside
// `target`; they hold a key and would otherwise stay forever.
std::size_t remove_stale_temp_files(const std::string& target) {
  // Not a structured binding: lambdas may capture those only from C++20 on in clang 16+.
  const std::pair<std::string, std::string> parts = split_dir(target);
  const std::string& dir = parts.first;
  const std::string& file_name = parts.second;
  DirectoryFacts& facts = facts_of(dir);
  std::size_t removed = 0;
  std::erase_if(facts.temp_names, [&](const std::string& name) {
    if (!base::is_temp_name_of(name, file_name)) return false;
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::unlink(path.c_str()) == 0) {
      ++removed;
    }
    return true;
  });
  return removed;
}

// Errors that say "replacing is impossible here, rewriting may work": permissions, read-only
// or full file systems, a bind-mounted file (EBUSY on rename). Others (a missing directory)
// would fail the same way in place.
bool replacement_impossible(int err) {
  switch (err) {
    case EACCES:
    case EPERM:
    case EROFS:
    case EBUSY:
    case EXDEV:
    case ENOSPC:
    case EDQUOT:
    case EMLINK:
    case ENAMETOOLONG:
      return true;
    default:
      return false;
  }
}

// FIFOs and devices (key_out = "/dev/stdout") are written, never replaced; a file with
// further hard links keeps them. `st`: the target's stat, if it exists.
bool must_write_in_place(const struct stat* st) {
  return st && (!S_ISREG(st->st_mode) || st->st_nlink > 1);
}

bool must_write_in_place(const std::string& target) {
  struct stat st {};
  return must_write_in_place(::stat(target.c_str(), &st) == 0 ? &st : nullptr);
}

}  // namespace

KeyOutFile KeyOutFile::prepare(const std::string& configured_path, WarningSink warn,
                               const CreateCheck& writer_can_create_in) {
  KeyOutFile f;
  f.configured_ = configured_path;
  f.warn_ = std::move(warn);
  f.target_ = follow_symlinks(configured_path);
  f.removed_temp_files_ = remove_stale_temp_files(f.target_);
  if (must_write_in_place(f.target_)) return f;
  // Probe the directory the way a key write will use it (once per directory, see facts_of),
  // or ask the later writer (a service user after the switch) whether it could.
  const std::string dir = split_dir(f.target_).first;
  DirectoryFacts& facts = facts_of(dir);
  std::optional<int> probe_error = facts.probe_error;
  if (writer_can_create_in && !writer_can_create_in(dir)) {
    probe_error = EACCES;
  } else if (probe_error != 0) {  // only a success is shared: errors may be this name's
    std::string probe = base::temp_name_beside(f.target_);
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    probe_error = fd >= 0 ? 0 : errno;
    facts.probe_error = probe_error;
    if (fd >= 0) {
      ::close(fd);
      ::unlink(probe.c_str());
    }
  }
  if (*probe_error != 0 && replacement_impossible(*probe_error)) {
    const int err = *probe_error;
    f.atomic_ = false;
    f.warned_ = true;
    if (f.warn_) {
      f.warn_("key_out " + debug_quote(configured_path) + ": cannot create files in " +
              debug_quote(split_dir(f.target_).first) + " (" + os_error(err) +
              "); the key file is rewritten in place, so a reader may briefly see a partial key");
    }
  }
  return f;
}

Status KeyOutFile::write(const crypto::Secret<32>& key) {
  std::string text = crypto::base64_encode(key.reveal());
  Status result = ok_status();
  // One stat(2) per key event: it decides in place or not, and replace_file reuses it.
  base::ExistingFile existing;
  bool fall_back = !atomic_;
  if (!fall_back) {
    const bool found = ::stat(target_.c_str(), &existing.st) == 0;
    existing.regular = found && S_ISREG(existing.st.st_mode);
    fall_back = must_write_in_place(found ? &existing.st : nullptr);
  }
  if (!fall_back) {
    result = write_replacing(text, existing, fall_back);
    if (!result && fall_back && !warned_) {
      warned_ = true;
      if (warn_) {
        warn_("key_out " + debug_quote(configured_) + " could not be replaced atomically (" +
              result.error().causes.back() + "); rewriting it in place from now on");
      }
    }
    if (fall_back) atomic_ = false;
  }
  if (fall_back) result = write_in_place(text);
  crypto::wipe(text);
  return result;
}

// Temporary file, fsync, rename. Sets `fall_back` (and returns an error) when an in-place
// write should be tried instead; never leaves the temporary file behind.
Status KeyOutFile::write_replacing(std::string_view text, const base::ExistingFile& existing,
                                   bool& fall_back) {
  base::ReplaceOptions options;
  options.keep_owner = true;
  if (int err = base::replace_file(
          target_, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()), options,
          existing);
      err != 0) {
    fall_back = replacement_impossible(err);
    return Error{"Could not write file " + debug_quote(configured_), {write_error(err)}};
  }
  return ok_status();
}

// The reference's way: rewrite the file itself (created 0600 if missing). The new key
// overwrites the old one before the length is cut, so a reader never sees an empty file.
Status KeyOutFile::write_in_place(std::string_view text) {
  auto fail = [&](int err) -> Status {
    return Error{"Could not write file " + debug_quote(configured_), {write_error(err)}};
  };
  base::UniqueFd f(::open(target_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  if (!f.valid()) return fail(errno);
  struct stat st {};
  if (::fstat(f.get(), &st) != 0) return fail(errno);
  const bool regular = S_ISREG(st.st_mode);
  const std::span bytes(text.data(), text.size());
  if (int err = regular ? base::pwrite_all(f.get(), bytes, 0) : base::write_all(f.get(), bytes);
      err != 0) {
    return fail(err);
  }
  if (regular) {
    if (::ftruncate(f.get(), static_cast<off_t>(text.size())) != 0) return fail(errno);
    if (::fsync(f.get()) != 0) return fail(errno);
  }
  return ok_status();
}

}  // namespace rosenpass::daemon
