// V02 and V02-pc have no recorded handshake: recompute ours with an independent Python
// implementation of protocol.md (crosscheck_transcript.py), message by message.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sim.h"

namespace rosenpass::test {
namespace {

void write(const std::filesystem::path& p, std::span<const uint8_t> b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), b.size());
}

class Crosscheck : public ::testing::TestWithParam<WireProfile> {};

TEST_P(Crosscheck, PythonRecomputesEveryMessage) {
  if (std::system("python3 -c 'import hashlib' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 not available";
  }
  constexpr uint8_t kSeedI = 0x31, kSeedR = 0x32;
  Node a(kSeedI), b(kSeedR);
  PeerHandle ab = connect(a, b, GetParam(), true);
  connect(b, a, GetParam(), false);
  std::array<uint8_t, 1> s{1};
  Timestamp now{};
  auto m1 = a.server->initiate(ab, now).value();
  auto m2 = b.server->handle(m1, s, now).reply.value();
  auto r3 = a.server->handle(m2, s, now);
  auto m4 = b.server->handle(r3.reply.value(), s, now).reply.value();

  auto dir =
      std::filesystem::temp_directory_path() /
      ("rp_crosscheck_" + std::to_string(::getpid()) + "_" + std::to_string(int(GetParam())));
  std::filesystem::create_directories(dir);
  write(dir / "msg1.bin", m1);
  write(dir / "msg2.bin", m2);
  write(dir / "msg3.bin", *r3.reply);
  write(dir / "msg4.bin", m4);
  write(dir / "osk.bin", r3.event.value().key.reveal());
  const char* name = GetParam() == WireProfile::kV02   ? "V02"
                     : GetParam() == WireProfile::kV03 ? "V03"
                                                       : "V02-pc";
  std::string cmd = "python3 " RP_SOURCE_DIR "/tests/protocol/crosscheck_transcript.py " +
                    dir.string() + " " + name + " " + std::to_string(kSeedI) + " " +
                    std::to_string(kSeedR) + " > " + (dir / "log.txt").string() + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream log(dir / "log.txt");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << text;
  EXPECT_NE(text.find("all checks passed"), std::string::npos) << text;
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Profiles, Crosscheck,
                         ::testing::Values(WireProfile::kV02, WireProfile::kV03,
                                           WireProfile::kV02pc));

}  // namespace
}  // namespace rosenpass::test
