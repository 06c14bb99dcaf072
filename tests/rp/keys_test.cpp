// rp genkey / pubkey on real directories. Key generation uses a fast stand-in except in the
// one test of the real program.
#include "rosenpass/rp/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "../wireguard/process_util.h"
#include "rosenpass/crypto/random.h"
#include "rosenpass/wireguard/wg_key.h"

namespace rosenpass::rp {
namespace {
namespace fs = std::filesystem;
namespace mce = kem::mceliece460896;

struct TempDir {
  fs::path path;
  TempDir() {
    char t[] = "/tmp/rp-keys-test-XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() { fs::remove_all(path); }
};

KeypairGenerator random_bytes_generator(int* calls) {
  return [calls](mce::PublicKey& pk, mce::SecretKey& sk) {
    ++*calls;
    crypto::system_random().fill(pk);
    crypto::system_random().fill(sk.reveal_mut());
  };
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

TEST(RpKeys, GenkeyCreatesDirectoryAndKeys) {
  TempDir tmp;
  int calls = 0;
  std::vector<std::string> notices;
  auto note = [&](const std::string& m) { notices.push_back(m); };
  fs::path dir = tmp.path / "a" / "b";
  ASSERT_TRUE(genkey(dir, random_bytes_generator(&calls), note).ok());
  EXPECT_EQ(mode_of(dir) & 0077, 0);
  EXPECT_EQ(mode_of(dir / "wgsk"), 0600);
  EXPECT_EQ(mode_of(dir / "pqsk"), 0600);
  EXPECT_EQ(fs::file_size(dir / "pqsk"), mce::kSecretKeySize);
  EXPECT_EQ(fs::file_size(dir / "pqpk"), mce::kPublicKeySize);
  std::string wgsk = slurp(dir / "wgsk");
  EXPECT_EQ(wgsk.size(), 44u);
  EXPECT_TRUE(wireguard::wg_secret_key_from_base64(wgsk));
  EXPECT_TRUE(notices.empty());

  // Again: nothing is overwritten.
  std::string pqpk = slurp(dir / "pqpk");
  ASSERT_EQ(::chmod(dir.c_str(), 0700), 0);
  ASSERT_TRUE(genkey(dir, random_bytes_generator(&calls), note).ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(slurp(dir / "wgsk"), wgsk);
  EXPECT_EQ(slurp(dir / "pqpk"), pqpk);
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[0], "WireGuard secret key already exists at \"" + (dir / "wgsk").string() +
                            "\": not regenerating");
  EXPECT_EQ(notices[1],
            "Rosenpass keys already exist in \"" + dir.string() + "\": not regenerating");

  // A missing WireGuard key is generated alone; a lone Rosenpass key is not replaced.
  fs::remove(dir / "wgsk");
  fs::remove(dir / "pqsk");
  auto st = genkey(dir, random_bytes_generator(&calls), note);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(slurp(dir / "pqpk"), pqpk);
  EXPECT_EQ(calls, 1);
}

TEST(RpKeys, GenkeyRefusesLoosePermissions) {
  TempDir tmp;
  int calls = 0;
  fs::path dir = tmp.path / "k";
  fs::create_directory(dir);
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  auto st = genkey(dir, random_bytes_generator(&calls), [](const std::string&) {});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "Directory \"" + dir.string() +
                      "\" has incorrect permissions: please use 0700 for proper security.");
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(fs::exists(dir / "wgsk"));
}

TEST(RpKeys, PubkeyDerivesAndCopies) {
  TempDir tmp;
  int calls = 0;
  fs::path priv = tmp.path / "priv", pub = tmp.path / "pub";
  ASSERT_TRUE(genkey(priv, random_bytes_generator(&calls), [](const std::string&) {}).ok());
  ASSERT_TRUE(pubkey(priv, pub).ok());
  auto sk = wireguard::wg_secret_key_from_base64(slurp(priv / "wgsk"));
  ASSERT_TRUE(sk);
  EXPECT_EQ(slurp(pub / "wgpk"), wireguard::wg_key_to_base64(wireguard::wg_public_key_of(*sk)));
  EXPECT_EQ(slurp(pub / "pqpk"), slurp(priv / "pqpk"));
  EXPECT_EQ(mode_of(pub / "pqpk"), mode_of(priv / "pqpk"));
  EXPECT_EQ(pubkey(priv, pub).error().message, "Directory \"" + pub.string() + "\" already exists");
  EXPECT_FALSE(pubkey(tmp.path / "nothing", tmp.path / "pub2").ok());
  // `wg genkey` output (with its newline) works too.
  if (test::have_program("wg")) {
    fs::path priv2 = tmp.path / "priv2";
    fs::create_directory(priv2);
    // (umask 077: wg warns on stderr about world-readable files)
    ASSERT_EQ(test::run_shell("sh -c 'umask 077; wg genkey > " + (priv2 / "wgsk").string() + "'"),
              0);
    fs::copy_file(priv / "pqpk", priv2 / "pqpk");
    auto e3 = pubkey(priv2, tmp.path / "pub3");
    ASSERT_TRUE(e3.ok()) << e3.error().message;
    std::string expected;
    test::run_shell("wg pubkey < " + (priv2 / "wgsk").string(), &expected);
    EXPECT_EQ(slurp(tmp.path / "pub3" / "wgpk") + "\n", expected);
  }
}

TEST(RpProgram, GenkeyPubkeyHelpAndErrors) {
  const std::string rp = std::string(RP_BINARY_DIR) + "/tools/rp/rp";
  TempDir tmp;
  std::string out;
  EXPECT_EQ(test::run_shell(rp + " help", &out), 0);
  EXPECT_EQ(out, "Usage: rp [verbose] genkey|pubkey|exchange [ARGS]...\n");
  EXPECT_EQ(test::run_shell(rp + " frob", &out), 1);
  EXPECT_EQ(out,
            "Unknown command frob\nUsage: rp [verbose] genkey|pubkey|exchange|exchange-config "
            "[ARGS]...\n");
  // Real McEliece key generation once.
  EXPECT_EQ(test::run_shell(rp + " explain genkey " + (tmp.path / "s").string(), &out), 0);
  EXPECT_EQ(out, "WARN: the explain argument is no longer supported\n");
  EXPECT_EQ(fs::file_size(tmp.path / "s" / "pqpk"), mce::kPublicKeySize);
  EXPECT_EQ(
      test::run_shell(rp + " pubkey " + (tmp.path / "s").string() + " " + (tmp.path / "p").string(),
                      &out),
      0);
  EXPECT_TRUE(out.empty()) << out;
  EXPECT_EQ(
      test::run_shell(rp + " pubkey " + (tmp.path / "s").string() + " " + (tmp.path / "p").string(),
                      &out),
      1);
  EXPECT_EQ(out, "Error: Directory \"" + (tmp.path / "p").string() + "\" already exists\n");
  EXPECT_EQ(test::run_shell(rp + " exchange-config /nonexistent.toml", &out), 1);
  EXPECT_NE(out.find("cannot read config"), std::string::npos);
}

}  // namespace
}  // namespace rosenpass::rp
