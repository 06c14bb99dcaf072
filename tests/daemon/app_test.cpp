// The `rosenpass` command layer end to end, with an injected key generator.
#include "rosenpass/daemon/app.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "daemon_test_util.h"
#include "real_keys.h"

namespace rosenpass::daemon {
namespace {

using test::ScratchDir;
using test::quoted;
namespace mce = kem::mceliece460896;

struct Run {
  int code;
  std::string err;
};

// Key generation is the KEM layer's business; here only file handling matters, so the
// "keys" are recognisable patterns.
Services fake_services(int* daemon_runs = nullptr) {
  Services s;
  s.generate_keypair = [](mce::PublicKey& pk, mce::SecretKey& sk) {
    pk.fill(0xaa);
    auto b = sk.reveal_mut();
    std::fill(b.begin(), b.end(), 0x55);
  };
  s.run_daemon = [daemon_runs](Config&&, const GlobalOptions&) {
    if (daemon_runs) ++*daemon_runs;
    return 0;
  };
  return s;
}

Run run(std::vector<std::string> args, const Services& s = fake_services()) {
  testing::internal::CaptureStderr();
  int code = run_rosenpass(args, s);
  return {code, testing::internal::GetCapturedStderr()};
}

TEST(App, GenKeysWritesBothFilesSilently) {
  ScratchDir d;
  auto r = run({"gen-keys", "-p", d / "pk", "--secret-key", d / "sk"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(std::filesystem::file_size(d / "pk"), 524160u);
  EXPECT_EQ(std::filesystem::file_size(d / "sk"), 13608u);
  EXPECT_EQ(test::mode_of(d / "sk") & 077, 0u);
}

TEST(App, GenKeysRefusesExistingFilesAndWritesNothing) {
  ScratchDir d;
  test::write_text(d / "pk", "old");
  test::write_text(d / "sk", "old");
  auto r = run({"gen-keys", "-p", d / "pk", "-s", d / "sk"});
  EXPECT_EQ(r.code, 1);
  std::string canon = std::filesystem::canonical(d / "pk").string();
  EXPECT_NE(r.err.find("public-key file \"" + canon + "\" exists, refusing to overwrite"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("secret-key file"), std::string::npos);
  EXPECT_EQ(test::read_text(d / "pk"), "old");
  EXPECT_EQ(test::read_text(d / "sk"), "old");
  EXPECT_EQ(run({"gen-keys", "-f", "-p", d / "pk", "-s", d / "sk"}).code, 0);
  EXPECT_EQ(std::filesystem::file_size(d / "pk"), 524160u);
}

TEST(App, GenKeysArgumentErrors) {
  ScratchDir d;
  auto r = run({"gen-keys", "-p", d / "pk"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("either a config-file or both public-key and secret-key file are required"),
            std::string::npos);
  r = run({"gen-keys", d / "missing.toml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("config file \"" + d / "missing.toml" + "\" does not exist"),
            std::string::npos);
  test::write_text(d / "nokeys.toml", "listen = []\npeers = []\n");
  r = run({"gen-keys", d / "nokeys.toml"});
  EXPECT_NE(r.err.find("Config file present, but no keypair is specified."), std::string::npos);
  EXPECT_FALSE(test::exists(d / "pk"));
}

TEST(App, GenConfigThenGenKeysThenValidate) {
  // The reference's own test: template with /path/to replaced, gen-keys, copy, validate.
  ScratchDir d;
  ASSERT_EQ(run({"gen-config", d / "c.toml"}).code, 0);
  EXPECT_EQ(test::read_text(d / "c.toml"), std::string(kGenConfigTemplate));
  auto r = run({"gen-config", d / "c.toml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("config file \"" + d / "c.toml" + "\" already exists"), std::string::npos);
  std::string text = test::read_text(d / "c.toml");
  for (std::size_t p; (p = text.find("/path/to")) != std::string::npos;) {
    text.replace(p, 8, d.path().string());
  }
  test::write_text(d / "c.toml", text);
  // Real keys: `validate` checks that the public key belongs to the secret key.
  Services real = fake_services();
  real.generate_keypair = [](mce::PublicKey& pk, mce::SecretKey& sk) {
    mce::keypair(pk, sk, crypto::system_random());
  };
  r = run({"gen-keys", d / "c.toml"}, real);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  std::filesystem::copy_file(d / "rp-public-key", d / "rp-peer-public-key");
  r = run({"validate", d / "c.toml"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(
      r.err.find("\"" + d / "c.toml" + "\" is valid TOML and conforms to the expected schema"),
      std::string::npos);
  EXPECT_NE(r.err.find("has passed all logical checks"), std::string::npos) << r.err;
}

TEST(App, ValidateAlwaysExitsZero) {
  ScratchDir d;
  test::write_text(d / "bad.toml", "listen = [");
  test::write_text(d / "logic.toml", "listen = []\n[[peers]]\npublic_key = \"/nonexistent\"\n");
  auto r = run({"validate", d / "bad.toml", d / "logic.toml", d / "missing.toml"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find(quoted(d / "bad.toml") + " is not valid: "), std::string::npos);
  EXPECT_NE(r.err.find(quoted(d / "logic.toml") +
                       " contains logical errors: 'peer 0 public-key file \"/nonexistent\" does "
                       "not exist'"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(quoted(d / "missing.toml") + " is not valid: "), std::string::npos);
  EXPECT_EQ(run({"validate"}).err, "");
}

TEST(App, ExchangeConfigErrorsExitOneWithoutStartingOrWriting) {
  ScratchDir d;
  int runs = 0;
  auto s = fake_services(&runs);
  auto r = run({"exchange-config", d / "none.toml"}, s);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("ERROR rosenpass] config file '\"" + d / "none.toml" + "\"' does not exist"),
            std::string::npos)
      << r.err;
  r = run({"exchange-config", d.path().string()}, s);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("Is a directory (os error 21)"), std::string::npos) << r.err;
  test::write_text(d / "bad.toml", "listen = []\npeers = []\nbogus = 1\n");
  r = run({"exchange-config", d / "bad.toml"}, s);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("unknown field `bogus`"), std::string::npos);
  test::write_text(d / "empty.toml", "listen = []\npeers = []\n");
  r = run({"exchange-config", d / "empty.toml"}, s);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("Server keypair missing"), std::string::npos);
  test::write_text(d / "out", "keep");
  test::write_bytes(d / "pk", 524160);
  test::write_bytes(d / "sk", 13608);
  test::write_bytes(d / "peer.pk", 524160, 0x43);
  test::write_text(d / "unres.toml", "public_key = \"" + d / "pk" + "\"\nsecret_key = \"" +
                                         d / "sk" + "\"\nlisten = []\n[[peers]]\npublic_key = \"" +
                                         d / "peer.pk" + "\"\nendpoint = \"no-such-host.invalid:9\"\n" +
                                         "key_out = \"" + d / "out" + "\"\n");
  r = run({"exchange-config", d / "unres.toml"}, s);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("endpoint no-such-host.invalid:9 can not be parsed"), std::string::npos);
  EXPECT_EQ(test::read_text(d / "out"), "keep");
  EXPECT_EQ(runs, 0);
  // Quiet: --log-level off hides the message, the exit code stays.
  r = run({"--log-level", "off", "exchange-config", d / "none.toml"}, s);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "");
}

TEST(App, ExchangeWritesConfigBeforeValidation) {
  ScratchDir d;
  int runs = 0;
  auto s = fake_services(&runs);
  auto r = run({"exchange", "-c", d / "saved.toml", "public-key", d / "pk", "secret-key", d / "sk",
                "listen", "127.0.0.1:0", "peer", "public-key", d / "peer.pk", "outfile", d / "o"},
               s);
  EXPECT_EQ(r.code, 1);  // the key files do not exist
  EXPECT_NE(r.err.find("could not find public-key file"), std::string::npos);
  ASSERT_TRUE(test::exists(d / "saved.toml"));
  // Only keys the reference reads; no `protocol_version = "auto"` it could not load (#16).
  std::string saved = test::read_text(d / "saved.toml");
  EXPECT_EQ(saved.find("protocol_version"), std::string::npos) << saved;
  for (std::size_t pos = 0; pos < saved.size();) {
    std::size_t end = saved.find('\n', pos);
    std::string line = saved.substr(pos, end - pos);
    pos = end == std::string::npos ? saved.size() : end + 1;
    if (line.empty() || line[0] == '[') continue;
    std::string key = line.substr(0, line.find(' '));
    EXPECT_TRUE(key == "public_key" || key == "secret_key" || key == "listen" ||
                key == "verbosity" || key == "key_out" || key == "peers")
        << line;
  }
  test::write_real_keypair(0, d / "pk", d / "sk");
  test::write_real_keypair(1, d / "peer.pk", d / "peer.sk");
  EXPECT_EQ(run({"exchange-config", d / "saved.toml"}, s).code, 0);
  EXPECT_EQ(runs, 1);
}

TEST(App, KeygenLegacyGrammar) {
  ScratchDir d;
  EXPECT_EQ(run({"keygen", "public-key", d / "pk", "private-key", d / "sk"}).code, 0);
  EXPECT_EQ(std::filesystem::file_size(d / "sk"), 13608u);
  auto r = run({"keygen", "public-key", d / "pk"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("private-key is required"), std::string::npos);
  EXPECT_NE(run({"keygen", "bogus", "x"}).err.find("Unknown option `bogus`"), std::string::npos);
  EXPECT_NE(
      run({"keygen", "secret-key", "x", "public-key"}).err.find("Unknown option `public-key`"),
      std::string::npos);
}

}  // namespace
}  // namespace rosenpass::daemon
