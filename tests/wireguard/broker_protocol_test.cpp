#include "rosenpass/wireguard/broker_protocol.h"

#include <gtest/gtest.h>

#include <numeric>

namespace rosenpass::wireguard::broker {
namespace {

SetPskRequest sample_request(std::string iface) {
  std::array<uint8_t, 32> psk;
  std::iota(psk.begin(), psk.end(), 0x40);
  SetPskRequest r{crypto::Secret<32>::from(psk), {}, std::move(iface)};
  std::iota(r.peer.begin(), r.peer.end(), 0x80);
  return r;
}

// Offsets and sizes from application.md §4.7.2.
TEST(BrokerProtocol, RequestLayoutIsByteExact) {
  auto bytes = encode_request(sample_request("wg0"));
  ASSERT_TRUE(bytes);
  ASSERT_EQ(bytes->size(), 324u);
  EXPECT_EQ((*bytes)[0], 0x01);
  EXPECT_EQ((*bytes)[1], 0);
  EXPECT_EQ((*bytes)[2], 0);
  EXPECT_EQ((*bytes)[3], 0);
  for (std::size_t i = 0; i < 32; ++i) {
    EXPECT_EQ((*bytes)[4 + i], 0x40 + i);
    EXPECT_EQ((*bytes)[36 + i], 0x80 + i);
  }
  EXPECT_EQ((*bytes)[68], 3);
  EXPECT_EQ((*bytes)[69], 'w');
  EXPECT_EQ((*bytes)[70], 'g');
  EXPECT_EQ((*bytes)[71], '0');
  for (std::size_t i = 72; i < 324; ++i) EXPECT_EQ((*bytes)[i], 0) << i;

  auto back = decode_request(*bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->interface_name, "wg0");
  EXPECT_TRUE(back->psk.equals(sample_request("x").psk));
  EXPECT_EQ(back->peer, sample_request("x").peer);
}

TEST(BrokerProtocol, InterfaceNameBounds) {
  EXPECT_TRUE(encode_request(sample_request(std::string(255, 'a'))));
  EXPECT_FALSE(encode_request(sample_request(std::string(256, 'a'))));
  auto bytes = *encode_request(sample_request(std::string(255, 'a')));
  EXPECT_EQ(decode_request(bytes)->interface_name.size(), 255u);
}

TEST(BrokerProtocol, InvalidRequestsAreRejected) {
  auto bytes = *encode_request(sample_request("wg0"));
  EXPECT_FALSE(decode_request(std::span<const uint8_t>(bytes.data(), 323)));
  std::vector<uint8_t> longer(bytes.begin(), bytes.end());
  longer.push_back(0);
  EXPECT_FALSE(decode_request(longer));
  bytes[0] = 0x02;
  EXPECT_FALSE(decode_request(bytes));
  bytes[0] = 0x01;
  bytes[1] = 0xff;  // reserved bytes are ignored
  EXPECT_TRUE(decode_request(bytes));
}

TEST(BrokerProtocol, Responses) {
  for (auto code : {ReturnCode::kSuccess, ReturnCode::kInternalError, ReturnCode::kNoSuchInterface,
                    ReturnCode::kNoSuchPeer}) {
    auto r = encode_response(code);
    EXPECT_EQ(r, (std::array<uint8_t, 5>{1, 0, 0, 0, static_cast<uint8_t>(code)}));
    EXPECT_EQ(decode_response(r), code);
  }
  EXPECT_FALSE(decode_response(std::array<uint8_t, 5>{1, 0, 0, 0, 4}));
  EXPECT_FALSE(decode_response(std::array<uint8_t, 5>{2, 0, 0, 0, 0}));
  EXPECT_FALSE(decode_response(std::array<uint8_t, 4>{1, 0, 0, 0}));
}

TEST(BrokerProtocol, FrameHeaderIsU64LittleEndian) {
  EXPECT_EQ(encode_frame_header(324), (std::array<uint8_t, 8>{0x44, 0x01, 0, 0, 0, 0, 0, 0}));
  std::array<uint8_t, 8> h{1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(decode_frame_header(h), 0x0807060504030201ull);
}

TEST(FrameReader, SplitsAndJoinsFrames) {
  std::vector<uint8_t> stream;
  for (uint8_t n : {5, 0, 3}) {
    auto h = encode_frame_header(n);
    stream.insert(stream.end(), h.begin(), h.end());
    for (uint8_t i = 0; i < n; ++i) stream.push_back(n);
  }
  FrameReader r;
  std::vector<std::vector<uint8_t>> got;
  for (uint8_t b : stream) {  // one byte at a time
    ASSERT_TRUE(r.feed(std::span<const uint8_t>(&b, 1)));
    while (auto f = r.next()) got.push_back(*f);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], std::vector<uint8_t>(5, 5));
  EXPECT_TRUE(got[1].empty());
  EXPECT_EQ(got[2], std::vector<uint8_t>(3, 3));
  EXPECT_FALSE(r.mid_frame());

  FrameReader all;  // everything at once
  ASSERT_TRUE(all.feed(stream));
  int count = 0;
  while (all.next()) ++count;
  EXPECT_EQ(count, 3);
}

TEST(FrameReader, OversizedLengthFailsForGood) {
  FrameReader r;
  auto ok = encode_frame_header(324);
  std::vector<uint8_t> frame(ok.begin(), ok.end());
  frame.resize(8 + 324);
  auto bad = encode_frame_header(325);
  frame.insert(frame.end(), bad.begin(), bad.end());
  EXPECT_FALSE(r.feed(frame));  // the second prefix is too long
  EXPECT_TRUE(r.failed());
  EXPECT_FALSE(r.next());
  auto huge = encode_frame_header(~0ull);
  FrameReader r2;
  EXPECT_FALSE(r2.feed(huge));
}

}  // namespace
}  // namespace rosenpass::wireguard::broker
