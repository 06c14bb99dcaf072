#include "nist_drbg.h"

#include <gtest/gtest.h>

#include <array>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "../crypto/test_util.h"

namespace rosenpass::kat {
namespace {

// The `seed = ` lines of a published NIST `.rsp`-style file, lower-cased.
std::vector<std::string> published_seeds() {
  auto bytes =
      test::read_file(test::test_data_dir() / "kat" / "mceliece460896-plaintext-confirmation.txt");
  std::istringstream in(std::string(bytes.begin(), bytes.end()));
  std::vector<std::string> seeds;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("seed = ", 0) == 0) {
      std::string s = line.substr(7);
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      seeds.push_back(s);
    }
  }
  return seeds;
}

// The harness's seeds for records 0..9 are consecutive 48-byte draws from the DRBG seeded
// with 0..47; every NIST PQC .rsp file starts with them.
TEST(NistCtrDrbg, ReproducesThePublishedRecordSeeds) {
  auto expected = published_seeds();
  ASSERT_EQ(expected.size(), 10u);
  std::array<uint8_t, 48> entropy;
  std::iota(entropy.begin(), entropy.end(), uint8_t{0});
  NistCtrDrbg drbg(entropy);
  for (const auto& want : expected) {
    std::array<uint8_t, 48> seed;
    drbg.fill(seed);
    EXPECT_EQ(test::hex(seed), want);
  }
}

// A request is one generate call: the state is updated after each call, so splitting a
// request differs from making it whole, while the first bytes agree.
TEST(NistCtrDrbg, EachFillIsOneGenerateCall) {
  std::array<uint8_t, 48> entropy{};
  entropy[0] = 1;
  NistCtrDrbg whole(entropy), split(entropy);
  std::array<uint8_t, 40> a;
  whole.fill(a);
  std::array<uint8_t, 20> b1, b2;
  split.fill(b1);
  split.fill(b2);
  EXPECT_TRUE(std::equal(b1.begin(), b1.end(), a.begin()));
  EXPECT_FALSE(std::equal(b2.begin(), b2.end(), a.begin() + 20));
}

TEST(NistCtrDrbg, SameSeedSameStream) {
  std::array<uint8_t, 48> entropy{};
  entropy[47] = 7;
  NistCtrDrbg x(entropy), y(entropy);
  std::array<uint8_t, 33> a, b;
  x.fill(a);
  y.fill(b);
  EXPECT_EQ(test::hex(a), test::hex(b));
}

}  // namespace
}  // namespace rosenpass::kat
