// The codec against application.md §5.3's bytes and docs/api.md's layouts.
#include "rosenpass/api/messages.h"

#include <gtest/gtest.h>

#include <cstring>

namespace rosenpass::api {
namespace {

std::vector<uint8_t> hex(const char* h) {
  std::vector<uint8_t> out;
  for (const char* p = h; *p;) {
    if (*p == ' ') {
      ++p;
      continue;
    }
    out.push_back(uint8_t(std::stoi(std::string(p, 2), nullptr, 16)));
    p += 2;
  }
  return out;
}

std::vector<uint8_t> id_bytes(MessageType t) {
  const auto& id = type_id(t);
  return {id.begin(), id.end()};
}

// application.md §5.3, wire order.
TEST(ApiMessageTypes, ReferenceTypeBytesAreTheSpecsTable) {
  EXPECT_EQ(id_bytes(MessageType::kPingRequest),
            hex("23 97 3e cc c4 41 70 4d 0b 02 ea 31 45 d3 49 99"));
  EXPECT_EQ(id_bytes(MessageType::kPingResponse),
            hex("4e c7 f6 f0 2b bc ba 64 48 f1 da 14 c7 cf 02 60"));
  EXPECT_EQ(id_bytes(MessageType::kSupplyKeypairRequest),
            hex("ac 91 a5 a6 4f 4b 21 d0 ac 7f 9b 55 74 f7 35 29"));
  EXPECT_EQ(id_bytes(MessageType::kSupplyKeypairResponse),
            hex("f2 dc 49 bd e2 61 5f 10 40 b7 3c 16 ec 61 ed b9"));
  EXPECT_EQ(id_bytes(MessageType::kAddListenSocketRequest),
            hex("3f 21 43 4f 87 cc a0 8c 02 c4 61 e4 08 16 c7 da"));
  EXPECT_EQ(id_bytes(MessageType::kAddListenSocketResponse),
            hex("45 d5 0f 0d 93 f0 61 05 98 f2 94 69 5d fd 5f 36"));
  EXPECT_EQ(id_bytes(MessageType::kAddPskBrokerRequest),
            hex("d7 98 b8 dc bd 61 5c ab 8d f1 c6 3d e4 eb a2 d1"));
  EXPECT_EQ(id_bytes(MessageType::kAddPskBrokerResponse),
            hex("bd 25 e4 18 ff b0 69 30 24 8b 21 7e 2f ae e3 53"));
}

// Every constant, extensions included, is what the hash chain gives for its name.
TEST(ApiMessageTypes, EveryTypeComesFromTheHashDomainChain) {
  for (std::size_t i = 0; i < kMessageTypeCount; ++i) {
    auto t = MessageType(i);
    EXPECT_EQ(type_id(t), derive_type_id(message_name(t))) << message_name(t);
    EXPECT_EQ(message_type_from_id(type_id(t)), t);
  }
  TypeId unknown{};
  EXPECT_FALSE(message_type_from_id(unknown));
}

// §5.6: Ping "Hello World" zero-padded to 256 bytes; the response echoes it.
TEST(ApiCodec, PingRequestAndResponseBytes) {
  PingRequest q;
  std::memcpy(q.echo.data(), "Hello World", 11);
  auto framed = frame(encode_request(q));
  ASSERT_EQ(framed.size(), 8u + 272u);
  EXPECT_EQ(std::vector<uint8_t>(framed.begin(), framed.begin() + 8),
            hex("10 01 00 00 00 00 00 00"));
  EXPECT_EQ(std::vector<uint8_t>(framed.begin() + 8, framed.begin() + 24),
            id_bytes(MessageType::kPingRequest));
  EXPECT_EQ(std::memcmp(framed.data() + 24, "Hello World", 11), 0);
  for (std::size_t i = 24 + 11; i < framed.size(); ++i) ASSERT_EQ(framed[i], 0) << i;

  auto resp = encode_response(PingResponse{q.echo});
  ASSERT_EQ(resp.size(), 272u);
  EXPECT_EQ(std::vector<uint8_t>(resp.begin(), resp.begin() + 16),
            id_bytes(MessageType::kPingResponse));
  EXPECT_TRUE(std::equal(q.echo.begin(), q.echo.end(), resp.begin() + 16));
}

// The three fd-carrying requests are the bare 16-byte type; responses are type + u128 status.
TEST(ApiCodec, StatusResponsesAreTypeThenU128LittleEndian) {
  EXPECT_EQ(encode_request(SupplyKeypairRequest{}), id_bytes(MessageType::kSupplyKeypairRequest));
  EXPECT_EQ(encode_request(AddListenSocketRequest{}),
            id_bytes(MessageType::kAddListenSocketRequest));
  EXPECT_EQ(encode_request(AddPskBrokerRequest{}), id_bytes(MessageType::kAddPskBrokerRequest));
  auto r = encode_response(StatusResponse{MessageType::kSupplyKeypairResponse, 3});
  auto want = id_bytes(MessageType::kSupplyKeypairResponse);
  auto tail = hex("03 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
  want.insert(want.end(), tail.begin(), tail.end());
  EXPECT_EQ(r, want);
  auto d = decode_response(r);
  ASSERT_TRUE(std::holds_alternative<Response>(d));
  auto& s = std::get<StatusResponse>(std::get<Response>(d));
  EXPECT_EQ(s.type, MessageType::kSupplyKeypairResponse);
  EXPECT_EQ(s.status, 3u);
}

TEST(ApiCodec, BytesAfterTheMessageAreIgnoredAndShortFramesRejected) {
  PingRequest q;
  q.echo[255] = 7;
  auto b = encode_request(q);
  auto longer = b;
  longer.insert(longer.end(), 100, 0xAB);
  auto d = decode_request(longer);
  ASSERT_TRUE(std::holds_alternative<Request>(d));
  EXPECT_EQ(std::get<PingRequest>(std::get<Request>(d)).echo, q.echo);
  b.pop_back();
  EXPECT_EQ(std::get<DecodeError>(decode_request(b)), DecodeError::kTooShort);
  EXPECT_EQ(std::get<DecodeError>(decode_request(std::vector<uint8_t>(15, 0))),
            DecodeError::kTooShort);
  EXPECT_EQ(std::get<DecodeError>(decode_request(std::vector<uint8_t>(16, 0xFF))),
            DecodeError::kUnknownType);
  EXPECT_EQ(std::get<DecodeError>(decode_request(id_bytes(MessageType::kPingResponse))),
            DecodeError::kWrongKind);
}

TEST(ApiCodec, AddPeerRoundTripsAndHasTheDocumentedLayout) {
  AddPeerRequest q;
  q.protocol_version = ProfileCode::kV03;
  q.psk_from_fd2 = true;
  q.endpoint = "127.0.0.1:9999";
  q.key_out = "/tmp/k";
  q.wireguard_device = "wg0";
  q.wireguard_peer = "AAAA";
  q.wireguard_extra_params = {"persistent-keepalive", "25"};
  q.osk_organization = "org";
  q.osk_labels = {"a", "bc"};
  auto b = encode_request(q);
  // type, version, flags, reserved u16, then the endpoint as u16 length + bytes.
  ASSERT_GE(b.size(), 22u + 14u);
  EXPECT_EQ(b[16], 2);
  EXPECT_EQ(b[17], 1);
  EXPECT_EQ(b[18] | b[19], 0);
  EXPECT_EQ(b[20], 14);
  EXPECT_EQ(b[21], 0);
  EXPECT_EQ(std::string(b.begin() + 22, b.begin() + 36), "127.0.0.1:9999");
  auto d = decode_request(b);
  ASSERT_TRUE(std::holds_alternative<Request>(d));
  EXPECT_EQ(std::get<AddPeerRequest>(std::get<Request>(d)), q);
  // A string length running past the end, an undefined version or flag: errors.
  auto cut = b;
  cut.resize(30);
  EXPECT_EQ(std::get<DecodeError>(decode_request(cut)), DecodeError::kTooShort);
  auto bad = b;
  bad[16] = 4;
  EXPECT_EQ(std::get<DecodeError>(decode_request(bad)), DecodeError::kBadField);
  bad = b;
  bad[17] = 2;
  EXPECT_EQ(std::get<DecodeError>(decode_request(bad)), DecodeError::kBadField);
}

TEST(ApiCodec, UpdateRemoveListRoundTrip) {
  UpdatePeerRequest u;
  u.peer[0] = 9;
  u.peer[31] = 1;
  u.set_endpoint = true;
  u.set_psk_from_fd1 = true;
  u.endpoint = "[::1]:5";
  auto ub = encode_request(u);
  EXPECT_EQ(ub.size(), 16u + 32 + 4 + 2 + 7);
  EXPECT_EQ(ub[48], 3);
  EXPECT_EQ(std::get<UpdatePeerRequest>(std::get<Request>(decode_request(ub))), u);
  ub[48] = 6;  // set PSK and clear PSK together
  EXPECT_EQ(std::get<DecodeError>(decode_request(ub)), DecodeError::kBadField);

  RemovePeerRequest r;
  r.peer.fill(0x5A);
  auto rb = encode_request(r);
  EXPECT_EQ(rb.size(), 48u);
  EXPECT_EQ(std::get<RemovePeerRequest>(std::get<Request>(decode_request(rb))).peer, r.peer);

  auto lb = encode_request(ListPeersRequest{0x01020304});
  EXPECT_EQ(std::vector<uint8_t>(lb.begin() + 16, lb.end()), hex("04 03 02 01"));
  EXPECT_EQ(std::get<ListPeersRequest>(std::get<Request>(decode_request(lb))).start, 0x01020304u);
}

TEST(ApiCodec, ListPeersResponseRoundTrips) {
  ListPeersResponse l;
  l.total = 3;
  l.start = 1;
  l.has_keypair = true;
  l.dropped = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  PeerStatus p;
  p.id.fill(0x11);
  p.profile_in_use = ProfileCode::kV02pc;
  p.configured = ProfileCode::kAuto;
  p.has_key_out = true;
  p.endpoint_confirmed = true;
  p.ms_since_key = 1234;
  p.ms_to_next_rekey = 5678;
  p.handshakes_completed = 42;
  p.dropped = std::vector<uint64_t>(10, 0);
  p.dropped[2] = 99;
  p.endpoint = "10.0.0.1:51820";
  l.peers = {p, p};
  l.peers[1].endpoint.clear();
  l.peers[1].ms_since_key = UINT64_MAX;
  auto b = encode_response(l);
  EXPECT_EQ(b.size(), 48u + 80 + 2 * (60 + 80 + 2) + 14);
  EXPECT_EQ(b[45], 10);  // counters
  EXPECT_EQ(b[48], 1);   // first daemon-wide counter
  EXPECT_EQ(b[128 + 35], 10);
  EXPECT_EQ(b[128 + 60 + 16], 99);
  auto d = decode_response(b);
  ASSERT_TRUE(std::holds_alternative<Response>(d));
  EXPECT_EQ(std::get<ListPeersResponse>(std::get<Response>(d)), l);
  b.pop_back();
  EXPECT_EQ(std::get<DecodeError>(decode_response(b)), DecodeError::kTooShort);
}

TEST(ApiCodec, AddPeerResponseLayout) {
  AddPeerResponse a;
  a.status = status::kPeerExists;
  a.id_blake2b.fill(1);
  a.id_shake256.fill(2);
  auto b = encode_response(a);
  ASSERT_EQ(b.size(), 96u);
  EXPECT_EQ(b[16], 4);
  EXPECT_EQ(b[32], 1);
  EXPECT_EQ(b[64], 2);
  auto d = std::get<AddPeerResponse>(std::get<Response>(decode_response(b)));
  EXPECT_EQ(d.status, a.status);
  EXPECT_EQ(d.id_blake2b, a.id_blake2b);
  EXPECT_EQ(d.id_shake256, a.id_shake256);
}

}  // namespace
}  // namespace rosenpass::api
