// key_out under a service user (issue #16): atomic where the directory allows it, in place
// where it does not, owner/group/mode kept, symlinks written through, temp files cleaned.
#include "rosenpass/daemon/key_output.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "daemon_test_util.h"
#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/random.h"

namespace rosenpass::daemon {
namespace {

using test::ScratchDir;

constexpr uid_t kServiceUid = 65534;  // "nobody": exists on every Debian system
constexpr gid_t kServiceGid = 65534;

crypto::Secret<32> random_key() {
  return crypto::Secret<32>::random(crypto::system_random());
}

struct stat stat_of(const std::string& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st;
}

std::size_t entries(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

// Runs `body` in a child process as the service user; returns its exit code.
int as_service_user(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(kServiceGid) != 0 || ::setuid(kServiceUid) != 0) {
      ::_exit(90);
    }
    ::_exit(body());
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

TEST(KeyOutFile, NewFileIsAtomic0600WithoutNewlineOrTempFiles) {
  ScratchDir d;
  std::vector<std::string> warnings;
  auto f = KeyOutFile::prepare(d / "out", [&](const std::string& m) { warnings.push_back(m); });
  EXPECT_TRUE(f.replaces_atomically());
  auto key = random_key();
  ASSERT_TRUE(f.write(key).ok());
  EXPECT_EQ(test::read_text(d / "out"), crypto::base64_encode(key.reveal()));
  EXPECT_EQ(test::mode_of(d / "out"), 0600u);
  ino_t first = stat_of(d / "out").st_ino;
  ASSERT_TRUE(f.write(random_key()).ok());
  EXPECT_NE(stat_of(d / "out").st_ino, first) << "the second key must replace the file";
  EXPECT_EQ(entries(d.path()), 1u);
  EXPECT_TRUE(warnings.empty());
}

// Prepared as root for a later service user (issue: the in-place warning came at the first key,
// in other words): the check decides at start, with the one warning of a failed probe.
TEST(KeyOutFile, WriterCheckDecidesInPlaceAtStartWithTheProbeWarning) {
  ScratchDir d;
  test::write_text(d / "out", "old");
  std::vector<std::string> warnings;
  std::string asked;
  auto f = KeyOutFile::prepare(
      d / "out", [&](const std::string& m) { warnings.push_back(m); },
      [&](const std::string& dir) {
        asked = dir;
        return false;
      });
  EXPECT_EQ(asked, d.path().string());
  EXPECT_FALSE(f.replaces_atomically());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "key_out \"" + d / "out" + "\": cannot create files in \"" +
                             d.path().string() +
                             "\" (Permission denied (os error 13)); the key file is rewritten in "
                             "place, so a reader may briefly see a partial key");
  ino_t first = stat_of(d / "out").st_ino;
  auto key = random_key();
  ASSERT_TRUE(f.write(key).ok());
  EXPECT_EQ(stat_of(d / "out").st_ino, first);
  EXPECT_EQ(test::read_text(d / "out"), crypto::base64_encode(key.reveal()));
  EXPECT_EQ(warnings.size(), 1u);
  // A writer that may create files there: atomic as before, no warning.
  warnings.clear();
  auto g = KeyOutFile::prepare(
      d / "out", [&](const std::string& m) { warnings.push_back(m); },
      [](const std::string&) { return true; });
  EXPECT_TRUE(g.replaces_atomically());
  EXPECT_TRUE(warnings.empty());
}

// A failed write says who tried: "permission denied" alone does not tell an admin that the
// daemon runs as a service user.
TEST(KeyOutFile, PermissionErrorNamesTheWriter) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to write as another user";
  ScratchDir d;  // 0700, ours: the service user can not create files in it
  const std::string out = d / "out";
  int code = as_service_user([&] {
    auto f = KeyOutFile::prepare(out, {});
    auto st = f.write(random_key());
    if (st.ok()) return 10;
    const std::string text = st.error().chain();
    return text.find("Could not write file \"" + out + "\"") != std::string::npos &&
                   text.find("Permission denied (os error 13) writing as uid 65534, gid 65534") !=
                       std::string::npos
               ? 0
               : 11;
  });
  EXPECT_EQ(code, 0);
}

TEST(KeyOutFile, ExistingFileKeepsOwnerGroupAndMode) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to hand the file to another user";
  ScratchDir d;
  test::write_text(d / "out", "old");
  ASSERT_EQ(::chown((d / "out").c_str(), kServiceUid, kServiceGid), 0);
  ASSERT_EQ(::chmod((d / "out").c_str(), 0640), 0);
  auto f = KeyOutFile::prepare(d / "out", {});
  auto key = random_key();
  ASSERT_TRUE(f.write(key).ok());
  auto st = stat_of(d / "out");
  EXPECT_EQ(st.st_uid, kServiceUid);
  EXPECT_EQ(st.st_gid, kServiceGid);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(test::read_text(d / "out"), crypto::base64_encode(key.reveal()));
  EXPECT_TRUE(f.replaces_atomically());
}

TEST(KeyOutFile, ServiceUserInReadOnlyDirectoryWritesInPlaceWithOneWarning) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create the service user's files";
  ScratchDir d;
  // /srv/t/ro/out.key: directory root:root 0755, file pre-created for the service user.
  ASSERT_EQ(::chmod(d.path().c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((d / "ro").c_str(), 0755), 0);
  const std::string out = d / "ro/out.key";
  test::write_text(out, "");
  ASSERT_EQ(::chown(out.c_str(), kServiceUid, kServiceGid), 0);
  ASSERT_EQ(::chmod(out.c_str(), 0640), 0);
  // A temp file of an earlier, interrupted write (left by root) is removed at start.
  const std::string stale = out + ".tmp-00112233445566ff";
  test::write_text(stale, "partial");
  std::array<uint8_t, 32> raw{};
  crypto::system_random().fill(raw);
  const std::string expected = crypto::base64_encode(raw);
  int code = as_service_user([&]() -> int {
    int warnings = 0;
    auto f = KeyOutFile::prepare(out, [&](const std::string&) { ++warnings; });
    if (f.replaces_atomically()) return 1;
    for (int i = 0; i < 3; ++i) {
      if (!f.write(crypto::Secret<32>::from(raw)).ok()) return 2;
    }
    return warnings == 1 ? 0 : 3;
  });
  EXPECT_EQ(code, 0) << "1: not detected, 2: key lost, 3: not exactly one warning";
  EXPECT_EQ(test::read_text(out), expected);
  auto st = stat_of(out);
  EXPECT_EQ(st.st_uid, kServiceUid);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  // Root could not remove the stale file as the service user; root's own start does.
  auto f = KeyOutFile::prepare(out, {});
  EXPECT_EQ(f.removed_temp_files(), 1u);
  EXPECT_FALSE(test::exists(stale));
}

TEST(KeyOutFile, ServiceUserFileInWritableDirectoryOfAnotherOwnerKeepsItsOwner) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create the service user's files";
  // The service user may create files in the directory but the existing key file belongs to
  // root's group: the replacement cannot get that group, so the file is rewritten in place.
  ScratchDir d;
  ASSERT_EQ(::chmod(d.path().c_str(), 0777), 0);
  const std::string out = d / "out.key";
  test::write_text(out, "");
  ASSERT_EQ(::chown(out.c_str(), kServiceUid, 0), 0);
  ASSERT_EQ(::chmod(out.c_str(), 0640), 0);
  int code = as_service_user([&]() -> int {
    int warnings = 0;
    auto f = KeyOutFile::prepare(out, [&](const std::string&) { ++warnings; });
    for (int i = 0; i < 3; ++i) {
      if (!f.write(random_key()).ok()) return 2;
    }
    return warnings <= 1 ? 0 : 3;
  });
  EXPECT_EQ(code, 0);
  auto st = stat_of(out);
  EXPECT_EQ(st.st_uid, kServiceUid);
  EXPECT_EQ(st.st_gid, 0u);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(test::read_text(out).size(), 44u);
  EXPECT_EQ(entries(d.path()), 1u);
}

TEST(KeyOutFile, UnwritableDirectoryWithoutRoot) {
  // The same decision without root: a directory made unwritable by its mode, for a user
  // that is not root (CAP_DAC_OVERRIDE would ignore the mode).
  if (::geteuid() == 0) {
    ScratchDir d;
    ASSERT_EQ(::chown(d.path().c_str(), kServiceUid, kServiceGid), 0);
    const std::string out = d / "out";
    int code = as_service_user([&]() -> int {
      test::write_text(out, "x");
      if (::chmod(d.path().c_str(), 0500) != 0) return 1;
      auto f = KeyOutFile::prepare(out, {});
      if (f.replaces_atomically()) return 2;
      auto key = random_key();
      if (!f.write(key).ok()) return 3;
      return test::read_text(out) == crypto::base64_encode(key.reveal()) ? 0 : 4;
    });
    EXPECT_EQ(code, 0);
  } else {
    ScratchDir d;
    const std::string out = d / "out";
    test::write_text(out, "x");
    ASSERT_EQ(::chmod(d.path().c_str(), 0500), 0);
    auto f = KeyOutFile::prepare(out, {});
    EXPECT_FALSE(f.replaces_atomically());
    EXPECT_TRUE(f.write(random_key()).ok());
    ::chmod(d.path().c_str(), 0700);
  }
}

TEST(KeyOutFile, SymlinkToMissingTargetIsWrittenThrough) {
  ScratchDir d;
  ASSERT_EQ(::mkdir((d / "run").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("run/key", (d / "link").c_str()), 0);  // relative, dangling
  ASSERT_EQ(::symlink((d / "link").c_str(), (d / "link2").c_str()), 0);  // a chain
  auto f = KeyOutFile::prepare(d / "link2", {});
  EXPECT_EQ(f.target_path(), d / "run/key");
  auto key = random_key();
  ASSERT_TRUE(f.write(key).ok());
  EXPECT_TRUE(std::filesystem::is_symlink(d / "link"));
  EXPECT_TRUE(std::filesystem::is_symlink(d / "link2"));
  EXPECT_EQ(test::read_text(d / "run/key"), crypto::base64_encode(key.reveal()));
  EXPECT_EQ(test::mode_of(d / "run/key"), 0600u);
}

TEST(KeyOutFile, TempFilesOfAnInterruptedWriteAreRemovedAtStart) {
  ScratchDir d;
  test::write_text(d / "out.tmp-0123456789abcdef", "partial");
  test::write_text(d / "out.tmp-0123456789abcdeF", "not ours: upper case");
  test::write_text(d / "out.tmp-notours", "not ours");
  test::write_text(d / "other.tmp-0123456789abcdef", "another file's");
  auto f = KeyOutFile::prepare(d / "out", {});
  EXPECT_EQ(f.removed_temp_files(), 1u);
  EXPECT_FALSE(test::exists(d / "out.tmp-0123456789abcdef"));
  EXPECT_TRUE(test::exists(d / "out.tmp-0123456789abcdeF"));
  EXPECT_TRUE(test::exists(d / "out.tmp-notours"));
  EXPECT_TRUE(test::exists(d / "other.tmp-0123456789abcdef"));
}

// The directory is scanned once for many files prepared together (10,000 peers): each file
// still loses exactly its own leftovers, and one prepared later its own as well.
TEST(KeyOutFile, ManyFilesInOneDirectoryEachLoseTheirOwnTempFiles) {
  ScratchDir d;
  for (int i = 0; i < 20; ++i) {
    test::write_text(d / ("out" + std::to_string(i) + ".tmp-0123456789abcdef"), "partial");
  }
  test::write_text(d / "keep.tmp-0123456789abcdef", "no file of ours is called keep");
  for (int i = 0; i < 20; ++i) {
    auto f = KeyOutFile::prepare(d / ("out" + std::to_string(i)), {});
    EXPECT_EQ(f.removed_temp_files(), 1u) << i;
    EXPECT_FALSE(test::exists(d / ("out" + std::to_string(i) + ".tmp-0123456789abcdef"))) << i;
  }
  EXPECT_TRUE(test::exists(d / "keep.tmp-0123456789abcdef"));
  // A leftover appearing after the scan is found once the scan is older than a second.
  test::write_text(d / "late.tmp-0123456789abcdef", "partial");
  ::usleep(1100 * 1000);
  EXPECT_EQ(KeyOutFile::prepare(d / "late", {}).removed_temp_files(), 1u);
  EXPECT_FALSE(test::exists(d / "late.tmp-0123456789abcdef"));
}

TEST(KeyOutFile, HardLinkedFileKeepsItsLinks) {
  ScratchDir d;
  test::write_text(d / "out", "old");
  ASSERT_EQ(::link((d / "out").c_str(), (d / "copy").c_str()), 0);
  auto f = KeyOutFile::prepare(d / "out", {});
  auto key = random_key();
  ASSERT_TRUE(f.write(key).ok());
  EXPECT_EQ(test::read_text(d / "copy"), crypto::base64_encode(key.reveal()));
}

TEST(KeyOutFile, MissingDirectoryIsAnErrorNamingThePath) {
  ScratchDir d;
  int warnings = 0;
  auto f = KeyOutFile::prepare(d / "no/such/out", [&](const std::string&) { ++warnings; });
  auto st = f.write(random_key());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().chain().find("no/such/out"), std::string::npos);
  EXPECT_NE(st.error().chain().find("No such file or directory"), std::string::npos);
  // Not a reason to give up atomic replacement: once the directory exists, keys are renamed.
  EXPECT_EQ(warnings, 0);
  EXPECT_TRUE(f.replaces_atomically());
  std::filesystem::create_directories(d.path() / "no/such");
  ASSERT_TRUE(f.write(random_key()).ok());
  EXPECT_EQ(test::read_text(d / "no/such/out").size(), 44u);
}

TEST(KeyOutFile, BindMountedFileIsRewrittenInPlace) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to bind-mount";
  // A container's key_out is often one bind-mounted file: rename over it fails with EBUSY.
  ScratchDir d;
  test::write_text(d / "host", "old");
  test::write_text(d / "out", "");
  std::array<uint8_t, 32> raw{};
  crypto::system_random().fill(raw);
  pid_t pid = ::fork();
  if (pid == 0) {
    // A private mount namespace: the bind mount vanishes with this child.
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount((d / "host").c_str(), (d / "out").c_str(), nullptr, MS_BIND, nullptr) != 0) {
      ::_exit(90);
    }
    auto f = KeyOutFile::prepare(d / "out", {});
    ::_exit(f.write(crypto::Secret<32>::from(raw)).ok() ? 0 : 1);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  if (WIFEXITED(st) && WEXITSTATUS(st) == 90) GTEST_SKIP() << "mount namespaces unavailable";
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "the key was lost";
  EXPECT_EQ(test::read_text(d / "host"), crypto::base64_encode(raw));
  EXPECT_EQ(entries(d.path()), 2u);  // no temporary file left behind
}

}  // namespace
}  // namespace rosenpass::daemon
