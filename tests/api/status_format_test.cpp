// `rosenpass status` text and JSON from a List Peers response.
#include "rosenpass/api/status_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rosenpass/crypto/base64.h"

namespace rosenpass::api {
namespace {

ListPeersResponse sample() {
  ListPeersResponse l;
  l.total = 2;
  l.dropped = std::vector<uint64_t>(10, 0);
  l.dropped[2] = 3;
  PeerStatus a;
  a.id.fill(0xAB);
  a.profile_in_use = ProfileCode::kV03;
  a.configured = ProfileCode::kAuto;
  a.endpoint = "127.0.0.1:9999";
  a.endpoint_confirmed = true;
  a.ms_since_key = 62'500;
  a.ms_to_next_rekey = 57'400;
  a.handshakes_completed = 4;
  a.has_key_out = true;
  a.has_psk = true;
  a.dropped = std::vector<uint64_t>(10, 0);
  a.dropped[7] = 1;
  PeerStatus b;
  b.id.fill(0x01);
  l.peers = {a, b};
  return l;
}

TEST(ApiStatusFormat, HumanDurations) {
  EXPECT_EQ(human_duration(0), "0 seconds");
  EXPECT_EQ(human_duration(999), "0 seconds");
  EXPECT_EQ(human_duration(1000), "1 second");
  EXPECT_EQ(human_duration(62'500), "1 minute, 2 seconds");
  EXPECT_EQ(human_duration(90'061'000), "1 day, 1 hour, 1 minute, 1 second");
}

TEST(ApiStatusFormat, TextNamesEachPeerLikeWgShow) {
  auto l = sample();
  auto t = format_status_text(l);
  EXPECT_EQ(t.rfind("rosenpass: 2 peers\n", 0), 0u) << t;
  EXPECT_NE(t.find("  dropped datagrams: bad mac: 3\n"), std::string::npos) << t;
  EXPECT_NE(t.find("\npeer: " + crypto::base64_encode(l.peers[0].id) + "\n"), std::string::npos);
  EXPECT_NE(t.find("  endpoint: 127.0.0.1:9999\n"), std::string::npos);
  EXPECT_NE(t.find("  protocol: V03 (configured: auto)\n"), std::string::npos);
  EXPECT_NE(t.find("  latest key exchange: 1 minute, 2 seconds ago\n"), std::string::npos);
  EXPECT_NE(t.find("  next rekey: in 57 seconds\n"), std::string::npos);
  EXPECT_NE(t.find("  key exchanges: 4\n"), std::string::npos);
  EXPECT_NE(t.find("  preshared key: (hidden)\n"), std::string::npos);
  EXPECT_NE(t.find("  dropped datagrams: replayed message: 1\n"), std::string::npos);
  EXPECT_NE(t.find("  latest key exchange: none yet\n"), std::string::npos);
  EXPECT_NE(t.find("protocol: not negotiated yet"), std::string::npos);
  l.has_keypair = false;
  EXPECT_NE(format_status_text(l).find("waiting for its keypair"), std::string::npos);
}

TEST(ApiStatusFormat, RepliesNotSentIsNamedInTextAndJson) {
  auto l = sample();
  l.dropped = std::vector<uint64_t>(12, 0);  // a daemon sends the drop reasons, then this one
  l.dropped[11] = 5;
  EXPECT_NE(format_status_text(l).find("  dropped datagrams: replies not sent (socket busy): 5\n"),
            std::string::npos)
      << format_status_text(l);
  auto j = nlohmann::json::parse(format_status_json(l));
  EXPECT_EQ(j["dropped"]["replies not sent (socket busy)"], 5);
  l.dropped.push_back(1);  // a newer daemon's counter
  EXPECT_EQ(nlohmann::json::parse(format_status_json(l))["dropped"]["reason 12"], 1);
}

TEST(ApiStatusFormat, JsonCarriesTheSameFacts) {
  auto l = sample();
  auto j = nlohmann::json::parse(format_status_json(l));
  EXPECT_EQ(j["peer_count"], 2);
  EXPECT_EQ(j["has_keypair"], true);
  EXPECT_EQ(j["dropped"]["bad mac"], 3);
  ASSERT_EQ(j["peers"].size(), 2u);
  auto p = j["peers"][0];
  EXPECT_EQ(p["peer_id"], crypto::base64_encode(l.peers[0].id));
  EXPECT_EQ(p["endpoint"], "127.0.0.1:9999");
  EXPECT_EQ(p["protocol"], "V03");
  EXPECT_EQ(p["configured_protocol"], "auto");
  EXPECT_DOUBLE_EQ(p["seconds_since_key"].get<double>(), 62.5);
  EXPECT_DOUBLE_EQ(p["seconds_to_next_rekey"].get<double>(), 57.4);
  EXPECT_EQ(p["handshakes_completed"], 4);
  EXPECT_EQ(p["dropped"]["replayed message"], 1);
  EXPECT_EQ(p["psk"], true);
  auto q = j["peers"][1];
  EXPECT_TRUE(q["seconds_since_key"].is_null());
  EXPECT_TRUE(q["endpoint"].is_null());
  EXPECT_TRUE(q["protocol"].is_null());
}

}  // namespace
}  // namespace rosenpass::api
