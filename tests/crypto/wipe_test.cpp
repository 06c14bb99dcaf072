#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "rosenpass/crypto/secure_memory.h"

namespace rosenpass::crypto {
namespace {

template <class C>
bool all_zero(const C& c) {
  return std::all_of(std::begin(c), std::end(c), [](auto v) { return v == 0; });
}

TEST(Wipe, EveryContiguousKindOfBuffer) {
  uint8_t c_array[33];
  std::fill(std::begin(c_array), std::end(c_array), uint8_t{0xa5});
  wipe(c_array);
  EXPECT_TRUE(all_zero(c_array));

  // Wider elements: every byte, not size() bytes.
  std::array<uint16_t, 17> words{};
  words.fill(0xffff);
  wipe(words);
  EXPECT_TRUE(all_zero(words));

  std::vector<uint64_t> v(9, ~uint64_t{0});
  wipe(v);
  EXPECT_EQ(v.size(), 9u);  // zeroed, not cleared
  EXPECT_TRUE(all_zero(v));

  std::string text(100, 'k');
  wipe(text);
  EXPECT_EQ(text, std::string(100, '\0'));

  // A part of a buffer through a span; the rest is untouched.
  std::array<uint8_t, 8> part{1, 2, 3, 4, 5, 6, 7, 8};
  wipe(std::span(part).subspan(5));
  EXPECT_EQ(part, (std::array<uint8_t, 8>{1, 2, 3, 4, 5, 0, 0, 0}));
}

TEST(Wipe, CapacityIncludesEarlierLongerContent) {
  std::vector<uint8_t> buf(64, 0x5a);
  const uint8_t* data = buf.data();
  const std::size_t cap = buf.capacity();
  buf.resize(4);  // the 60 bytes beyond size() still hold the old content
  wipe_capacity(buf);
  ASSERT_EQ(buf.data(), data);
  ASSERT_EQ(buf.capacity(), cap);
  // Reading the spare capacity: resize within capacity does not reallocate and, for
  // uint8_t, value-initialises only the new elements, so look through the raw pointer
  // before resizing.
  EXPECT_TRUE(std::all_of(data, data + cap, [](uint8_t b) { return b == 0; }));
  std::vector<char> empty;
  wipe_capacity(empty);  // nothing allocated: nothing to do
}

}  // namespace
}  // namespace rosenpass::crypto

namespace rosenpass::crypto {
namespace {

TEST(Wipe, AppendWipingGrowsAndKeepsTheContent) {
  std::vector<uint8_t> buf;
  buf.reserve(4);
  const std::array<uint8_t, 3> a{1, 2, 3}, b{4, 5, 6};
  append_wiping(buf, std::span<const uint8_t>(a), 100);
  const uint8_t* first = buf.data();
  EXPECT_EQ(buf.capacity(), 4u);  // fitted: no new allocation
  append_wiping(buf, std::span<const uint8_t>(b), 100);
  EXPECT_NE(buf.data(), first);
  EXPECT_GE(buf.capacity(), 100u);  // grown to at least min_new_capacity
  EXPECT_EQ(buf, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6}));
}

}  // namespace
}  // namespace rosenpass::crypto
