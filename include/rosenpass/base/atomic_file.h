// Replacing a file's contents all at once: a reader sees the old file or the new one, never
// a partial one, and after a crash the name points at complete data.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace rosenpass::base {

// Temporary files are named "<path>.tmp-<16 lowercase hex digits>" (random).
inline constexpr std::string_view kTempInfix = ".tmp-";
inline constexpr std::size_t kTempHexDigits = 16;

// A fresh, unpredictable temporary name beside `path`.
std::string temp_name_beside(const std::string& path);

// Whether directory entry `entry` is one of our temporary names for file name `base_name`.
bool is_temp_name_of(std::string_view entry, std::string_view base_name);

struct ReplaceOptions {
  mode_t new_file_mode = 0600;  // for a file that did not exist (the umask applies)
  bool keep_owner = false;      // an existing file's owner and group carry over (fchown)
};

// Writes `bytes` to a temporary file beside `path` (created exclusively, so a planted
// symlink cannot redirect it), gives it an existing file's mode (and owner, if asked),
// fsyncs it, renames it over `path` and fsyncs the directory. Never leaves the temporary
// file behind. Returns 0, or the errno of the step that failed (nothing was replaced then).
int replace_file(const std::string& path, std::span<const uint8_t> bytes,
                 const ReplaceOptions& options = {});

// What a caller's own stat(2) of `path`, taken just before, found: replace_file then need not
// take it again (a key event's write saves one syscall).
struct ExistingFile {
  bool regular = false;  // false: missing or not a regular file (then treated as missing)
  struct stat st {};     // meaningful only when `regular`
};
int replace_file(const std::string& path, std::span<const uint8_t> bytes,
                 const ReplaceOptions& options, const ExistingFile& existing);

}  // namespace rosenpass::base
