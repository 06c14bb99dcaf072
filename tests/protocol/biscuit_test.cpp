// Biscuit keys (§9.2): the first biscuit uses slot 1, a key stays young for 300 s, the other
// slot takes over afterwards, and a biscuit opens until its key is erased after 600 s.
#include "biscuit.h"

#include <gtest/gtest.h>

#include "fake_kems.h"

namespace rosenpass::test {
namespace {

using namespace std::chrono_literals;

struct Sealed {
  BiscuitCt ct;
  BiscuitNo number;
};

Sealed seal(BiscuitJar& jar, Timestamp now, crypto::RandomSource& rng) {
  std::array<uint8_t, 32> pid{1}, ck{2}, ad{3};
  Sealed s;
  s.number = jar.seal(s.ct, pid, ck, ad, now, rng);
  return s;
}

bool opens(const BiscuitJar& jar, const Sealed& s) {
  std::array<uint8_t, 32> ad{3};
  auto c = jar.open(s.ct, ad);
  return c && c->number == s.number && c->ck.reveal()[0] == 2;
}

TEST(Biscuit, SlotsRotateAndExpire) {
  SeededRandom rng(5);
  BiscuitJar jar(rng);
  Sealed first = seal(jar, Timestamp(0s), rng);
  EXPECT_EQ(first.ct[0] >> 7, 1);  // fresh server: slot 1
  EXPECT_EQ(first.number[0], 1);   // counter starts at 1
  Sealed second = seal(jar, Timestamp(299s), rng);
  EXPECT_EQ(second.ct[0] >> 7, 1);  // still young
  EXPECT_EQ(second.number[0], 2);
  Sealed third = seal(jar, Timestamp(300s), rng);
  EXPECT_EQ(third.ct[0] >> 7, 0);  // slot 1 retired: slot 0 refreshed
  EXPECT_TRUE(opens(jar, first));  // retired keys still decrypt
  EXPECT_TRUE(opens(jar, third));

  jar.expire(Timestamp(599s), rng);
  EXPECT_TRUE(opens(jar, first));
  jar.expire(Timestamp(600s), rng);  // slot 1 erased two epochs after creation
  EXPECT_FALSE(opens(jar, first));
  EXPECT_FALSE(opens(jar, second));
  EXPECT_TRUE(opens(jar, third));

  // A tampered biscuit or different associated data never opens.
  Sealed bad = third;
  bad.ct[50] ^= 0x10;
  EXPECT_FALSE(opens(jar, bad));
  std::array<uint8_t, 32> other_ad{4};
  EXPECT_FALSE(jar.open(third.ct, other_ad).has_value());
}

TEST(Biscuit, CounterCarriesAcrossBytes) {
  BiscuitNo a{0xff, 0x00}, b{0x00, 0x01};
  EXPECT_LT(compare_biscuit_no(a, b), 0);
  EXPECT_GT(compare_biscuit_no(b, a), 0);
  EXPECT_EQ(compare_biscuit_no(a, a), 0);
  SeededRandom rng(6);
  BiscuitJar jar(rng);
  for (int i = 0; i < 300; ++i) seal(jar, Timestamp(0s), rng);
  EXPECT_EQ(jar.next_number()[0], uint8_t(301 & 0xff));
  EXPECT_EQ(jar.next_number()[1], 1);
}

}  // namespace
}  // namespace rosenpass::test
