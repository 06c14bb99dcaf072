#include "rosenpass/crypto/secret.h"

#include <gtest/gtest.h>

#include "rosenpass/crypto/random.h"

namespace rosenpass::crypto {
namespace {

TEST(Secret, StartsZeroAndHoldsBytes) {
  Secret<32> s;
  for (uint8_t b : s.reveal()) EXPECT_EQ(b, 0);
  std::array<uint8_t, 32> v;
  for (int i = 0; i < 32; ++i) v[i] = static_cast<uint8_t>(i + 1);
  auto t = Secret<32>::from(v);
  EXPECT_TRUE(std::equal(v.begin(), v.end(), t.reveal().begin()));
}

TEST(Secret, MoveLeavesNothingBehind) {
  auto a = Secret<64>::random(system_random());
  std::array<uint8_t, 64> copy;
  std::copy(a.reveal().begin(), a.reveal().end(), copy.begin());
  Secret<64> b(std::move(a));
  for (uint8_t x : a.reveal()) EXPECT_EQ(x, 0);  // NOLINT(bugprone-use-after-move): by design
  EXPECT_TRUE(std::equal(copy.begin(), copy.end(), b.reveal().begin()));
  Secret<64> c;
  c = std::move(b);
  for (uint8_t x : b.reveal()) EXPECT_EQ(x, 0);  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(std::equal(copy.begin(), copy.end(), c.reveal().begin()));
}

TEST(Secret, StorageIsZeroedWhenFreed) {
  // Freed small secrets return to a locked slab; the next allocation of that size class
  // reuses the slot, which must come back zeroed.
  const uint8_t* where;
  {
    auto s = Secret<32>::random(system_random());
    s.reveal_mut()[0] |= 1;  // certainly not all zero
    where = s.reveal().data();
  }
  Secret<32> t;
  EXPECT_EQ(t.reveal().data(), where);
  for (uint8_t x : t.reveal()) EXPECT_EQ(x, 0);
}

TEST(Secret, ConstantTimeEqualityAndClone) {
  auto a = Secret<32>::random(system_random());
  auto b = a.clone();
  EXPECT_TRUE(a.equals(b));
  b.reveal_mut()[31] ^= 0x80;
  EXPECT_FALSE(a.equals(b));
  b.clear();
  EXPECT_TRUE(ct_is_zero(b.reveal()));
}

TEST(ConstantTime, CompareLittleEndian) {
  std::array<uint8_t, 12> a{}, b{};
  EXPECT_EQ(ct_compare_le(a, b), 0);
  a[0] = 2;
  b[11] = 1;  // b is larger: its most significant byte is set
  EXPECT_EQ(ct_compare_le(a, b), -1);
  EXPECT_EQ(ct_compare_le(b, a), 1);
}

TEST(Random, FillsAndDiffers) {
  std::array<uint8_t, 32> x{}, y{};
  system_random().fill(x);
  system_random().fill(y);
  EXPECT_NE(x, y);
}

}  // namespace
}  // namespace rosenpass::crypto
