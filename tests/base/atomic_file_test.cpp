#include "rosenpass/base/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rosenpass::base {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    char t[] = "/tmp/rp-base-atomic-XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
}

TEST(ReplaceFile, CreatesThenReplacesKeepingTheMode) {
  TempDir d;
  const std::string path = d.path / "f";
  ReplaceOptions o;
  o.new_file_mode = 0640;
  const mode_t old_umask = ::umask(022);
  const int rc = replace_file(path, bytes("first"), o);
  ::umask(old_umask);
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(slurp(path), "first");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  // An existing file's mode wins over new_file_mode.
  ASSERT_EQ(::chmod(path.c_str(), 0604), 0);
  o.new_file_mode = 0600;
  ASSERT_EQ(replace_file(path, bytes("second, longer"), o), 0);
  EXPECT_EQ(slurp(path), "second, longer");
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0604u);
  EXPECT_EQ(entries(d.path), 1u);  // no temporary file left
}

// keep_owner with the caller's stat (the key_out path): a file already 0600 keeps 0600
// without an fchmod, and any other mode is still applied (the fchmod is skipped only when
// it would change nothing).
TEST(ReplaceFile, KeepOwnerWithTheCallersStatKeepsEveryMode) {
  TempDir d;
  const std::string path = d.path / "key";
  ReplaceOptions o;
  o.keep_owner = true;
  const mode_t old_umask = ::umask(077);
  ASSERT_EQ(replace_file(path, bytes("first"), o), 0);
  for (mode_t mode : {0600u, 0640u, 0400u, 0600u}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    ExistingFile e;
    e.regular = ::stat(path.c_str(), &e.st) == 0;
    ASSERT_TRUE(e.regular);
    ASSERT_EQ(replace_file(path, bytes("next"), o, e), 0);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, mode);
    EXPECT_NE(st.st_ino, e.st.st_ino);  // replaced, not rewritten
    EXPECT_EQ(slurp(path), "next");
  }
  // Told the file is missing: created with new_file_mode under the umask.
  ASSERT_EQ(replace_file(d.path / "new", bytes("x"), o, ExistingFile{}), 0);
  struct stat st {};
  ASSERT_EQ(::stat((d.path / "new").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ::umask(old_umask);
  EXPECT_EQ(entries(d.path), 2u);
}

TEST(ReplaceFile, FailureReportsTheErrnoAndLeavesNothing) {
  TempDir d;
  EXPECT_EQ(replace_file(d.path / "missing-dir" / "f", bytes("x")), ENOENT);
  // Renaming over a directory fails after the temporary file was written: it is removed.
  fs::create_directory(d.path / "dir");
  EXPECT_EQ(replace_file(d.path / "dir", bytes("x")), EISDIR);
  EXPECT_EQ(entries(d.path), 1u);
  EXPECT_TRUE(fs::is_directory(d.path / "dir"));
}

TEST(ReplaceFile, TempNames) {
  std::string a = temp_name_beside("/x/key"), b = temp_name_beside("/x/key");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), std::string("/x/key.tmp-").size() + kTempHexDigits);
  EXPECT_TRUE(is_temp_name_of(a.substr(3), "key"));
  EXPECT_FALSE(is_temp_name_of(a.substr(3), "ke"));
  EXPECT_FALSE(is_temp_name_of("key.tmp-0123456789abcdeF", "key"));
  EXPECT_FALSE(is_temp_name_of("key.tmp-0123456789abcde", "key"));
  EXPECT_FALSE(is_temp_name_of("key.tmq-0123456789abcdef", "key"));
  EXPECT_TRUE(is_temp_name_of("key.tmp-0123456789abcdef", "key"));
}

}  // namespace
}  // namespace rosenpass::base
