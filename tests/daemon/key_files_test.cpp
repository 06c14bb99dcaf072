#include "rosenpass/daemon/key_files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_test_util.h"
#include "rosenpass/crypto/base64.h"
#include "rosenpass/crypto/random.h"

namespace rosenpass::daemon {
namespace {

using test::ScratchDir;

TEST(KeyFiles, PublicKeyIsMappedAndSizeChecked) {
  ScratchDir d;
  test::write_bytes(d / "pk", mce::kPublicKeySize, 0x5a);
  auto pk = load_public_key(d / "pk");
  ASSERT_TRUE(pk.ok()) << pk.error().chain();
  EXPECT_EQ((**pk)[0], 0x5a);
  EXPECT_EQ((**pk)[mce::kPublicKeySize - 1], 0x5a);
  test::write_bytes(d / "short", mce::kPublicKeySize - 1);
  EXPECT_EQ(load_public_key(d / "short").error().causes.at(0), "failed to fill whole buffer");
  test::write_bytes(d / "long", mce::kPublicKeySize + 1);
  EXPECT_EQ(load_public_key(d / "long").error().causes.at(0), "File too long!");
  auto missing = load_public_key(d / "none");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().chain().find("No such file or directory (os error 2)"),
            std::string::npos);
}

TEST(KeyFiles, SecretKeyBothLayouts) {
  ScratchDir d;
  // A current-layout key with recognisable fields: delta, c, g, alpha, s.
  std::vector<uint8_t> cur(mce::kSecretKeySize);
  for (std::size_t i = 0; i < cur.size(); ++i) cur[i] = static_cast<uint8_t>(i * 7 + 1);
  std::fill(cur.begin(), cur.begin() + 32, 0);
  const uint8_t pivots[8] = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
  std::copy(pivots, pivots + 8, cur.begin() + 32);
  std::ofstream(d / "sk", std::ios::binary)
      .write(reinterpret_cast<const char*>(cur.data()), static_cast<std::streamsize>(cur.size()));
  auto a = load_secret_key(d / "sk");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->was_legacy_layout);
  EXPECT_TRUE(std::equal(cur.begin(), cur.end(), a->key.reveal().begin()));
  // The same key in v0.2.x's s||g||alpha layout (protocol.md §15.3) converts back to it.
  std::vector<uint8_t> legacy;
  legacy.insert(legacy.end(), cur.begin() + 13032, cur.end());
  legacy.insert(legacy.end(), cur.begin() + 40, cur.begin() + 13032);
  ASSERT_EQ(legacy.size(), mce::kLegacySecretKeySize);
  std::ofstream(d / "legacy", std::ios::binary)
      .write(reinterpret_cast<const char*>(legacy.data()),
             static_cast<std::streamsize>(legacy.size()));
  auto b = load_secret_key(d / "legacy");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->was_legacy_layout);
  EXPECT_TRUE(std::equal(cur.begin(), cur.end(), b->key.reveal().begin()));
  test::write_bytes(d / "bad", 13600);
  EXPECT_FALSE(load_secret_key(d / "bad").ok());
  test::write_bytes(d / "big", 13609);
  EXPECT_EQ(load_secret_key(d / "big").error().causes.at(0), "File too long!");
}

TEST(KeyFiles, PskFiles) {
  ScratchDir d;
  const std::string b64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  auto load = [&](const std::string& text) {
    test::write_text(d / "psk", text);
    return load_psk(d / "psk");
  };
  auto ok = load(b64);
  ASSERT_TRUE(ok.ok());
  for (int i = 0; i < 32; ++i) EXPECT_EQ(ok->key.reveal()[i], i);
  EXPECT_FALSE(ok->had_extra_whitespace);
  EXPECT_FALSE(load(b64 + "\n")->had_extra_whitespace);
  EXPECT_FALSE(load(b64 + "\r\n")->had_extra_whitespace);
  EXPECT_TRUE(load(b64 + "\n\n  ")->had_extra_whitespace);  // v0.2.3 files
  EXPECT_FALSE(load(b64 + "\nmore").ok());
  EXPECT_FALSE(load(" " + b64).ok());
  EXPECT_FALSE(load(b64.substr(0, 43)).ok());
  EXPECT_FALSE(load("AAAA").ok());  // short keys are not zero- or random-padded
  EXPECT_FALSE(load("").ok());
  EXPECT_FALSE(load("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8-").ok());  // URL alphabet
  EXPECT_EQ(load(std::string(1001, 'A')).error().causes.at(0), "File too long!");
}

TEST(KeyFiles, KeyOutIsAtomic0600Base64WithoutNewline) {
  ScratchDir d;
  auto key = crypto::Secret<32>::random(crypto::system_random());
  ASSERT_TRUE(write_key_out(d / "out", key).ok());
  std::string text = test::read_text(d / "out");
  EXPECT_EQ(text.size(), 44u);
  EXPECT_EQ(text, crypto::base64_encode(key.reveal()));
  EXPECT_EQ(test::mode_of(d / "out"), 0600u);
  // An existing file keeps its permissions, as with the reference's in-place rewrite.
  ::chmod((d / "out").c_str(), 0640);
  ASSERT_TRUE(write_key_out(d / "out", key).ok());
  EXPECT_EQ(test::mode_of(d / "out"), 0640u);
  // No temporary files are left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(d.path()), {}), 1);
  // A symlink stays a symlink; its target gets the key.
  ASSERT_EQ(::symlink((d / "out").c_str(), (d / "link").c_str()), 0);
  ASSERT_TRUE(write_key_out(d / "link", key).ok());
  EXPECT_TRUE(std::filesystem::is_symlink(d / "link"));
  EXPECT_EQ(test::read_text(d / "out"), text);
  // Special files are written in place, never replaced (e.g. key_out = "/dev/stdout").
  ASSERT_EQ(::mkfifo((d / "fifo").c_str(), 0600), 0);
  int reader = ::open((d / "fifo").c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_TRUE(write_key_out(d / "fifo", key).ok());
  char buf[64] = {};
  EXPECT_EQ(::read(reader, buf, sizeof buf), 44);
  ::close(reader);
  EXPECT_TRUE(std::filesystem::is_fifo(d / "fifo"));
  std::filesystem::remove(d / "link");
  std::filesystem::remove(d / "fifo");
  // A missing parent directory is an error, not a crash.
  EXPECT_FALSE(write_key_out(d / "no/such/dir", key).ok());
}

}  // namespace
}  // namespace rosenpass::daemon
