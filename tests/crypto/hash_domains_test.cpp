#include "rosenpass/crypto/hash_domains.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace rosenpass::crypto {
namespace {

struct Expected {
  const char* name;
  HashValue HashDomains::*field;
  const char* v03;
  const char* v02;  // empty: never used under V02
};

// protocol.md §4.3, the table of precomputed label values.
const Expected kTable[] = {
    {"protocol_key", &HashDomains::protocol_key,
     "8c428982b8811df5089e1fa31543e05b48c000b82b8f9c6752388ed1fa161ee7",
     "314afa43e9d7bf60bb6d54134ab8e115cb2afd4e0a67eada460202b09e6c28f2"},
    {"mac", &HashDomains::mac, "28015878ab6cacf337cd0d114885b7b22e137599b7ce5e36f410a3d2bea28739",
     "8779e72b17ae66d7e46d93dc16c3b3c4491e54e1c79b0d8bebb8f2817f297e4b"},
    {"cookie", &HashDomains::cookie,
     "b47a6224b8808aca5676bd99eebb677d6fc6c5e98961341f37e6008d5ec38ce6", ""},
    {"cookie_value", &HashDomains::cookie_value,
     "3c81f7886cbee1876a19504be2e4602c27ed4745fee055d4712f4b833eb61614", ""},
    {"cookie_key", &HashDomains::cookie_key,
     "9e17d8520f2f9c4a32b2342251507b0aabb38bc2c128163e8079537eaeecb36b", ""},
    {"peer_id", &HashDomains::peer_id,
     "77ec28597e62b92c938219de5895f5e7af4ff9d00bf4438a9bbc82bb8ee3e659",
     "9ff6e4c014424fc123ef6477229c8b761edf65d0d7392cdf85cba84dc1f2cfa7"},
    {"biscuit_ad", &HashDomains::biscuit_ad,
     "bc45c82895ebec27501a21b3ae574ed42be3353957bb30c1997815cb6f1ffd64",
     "4876a3c65dd5d0724438b945c6e6d343e0ee02f573cc774a09045d655a85302a"},
    {"chaining_key_init", &HashDomains::chaining_key_init,
     "88607c38efb6adecf321384eb8e52433bc0fd662dcbcd55d629126867d5f5f1d",
     "abea67e8d16035b6495cda4786bff0d0dad936ded93c54c8b533652ad98a6946"},
    {"chaining_key_extract", &HashDomains::chaining_key_extract,
     "416292818c858803bef1018320d3e74c884f9b8a24594ca9544dfae9655d525b",
     "ee012b3f1b77c05465a3195207910d6f7565077a0d611bc72572a138a0bb47cc"},
    {"mix", &HashDomains::mix, "a5719ddaa848d422a0604a2fca17f31c2f9a799782789f88a9597b8719f0a39b",
     "41d20e68ac3b0eba4e4d8b3a1a01fe18404d9d30c61ae3ba6739053af8d6049f"},
    {"handshake_enc", &HashDomains::handshake_enc,
     "5062428e3baf12b59f01686e9a754b9bb0568e07709641d3bb03563342685f02",
     "1db8ec314788a2f1a70d5a8cae3dbbedb21f682426fdbab810c1adefe6a93375"},
    {"initiator_enc", &HashDomains::initiator_enc,
     "cb5c355236602bbeb8b120369ab3a5aac6b7e50e6be8c347367c94084f8281d2",
     "d34bb2a7858ed51ac7e824e9f1dc55868eed7cc2bee879e260aee150cd8784b3"},
    {"responder_enc", &HashDomains::responder_enc,
     "cd853373157eb924236f77bc31a19ccc2c57085b93f2113f2c02671daeb3aa12",
     "c9181f95721584d0018142cb8b6d2791333913b8df77302a2b794de7bee95c6b"},
    {"user", &HashDomains::user, "33b61c340e1e6fbfe06992ab406c642a82f3118bccfaeef2a43614292769f428",
     "5e94ef26c5ebe58d27a2e5b92a1dc5446cd87ee2e39397bdfce2e0d5cd27725d"},
    {"osk_wireguard", &HashDomains::osk_wireguard,
     "c1ebe9d9c7da6409587dad055da222ac4bffd30ec3c99963e54231f73cdf8ebe",
     "0cf2591fd46ab229d5df5a72688ce75801e8e6b8673755189cc36482a7cac9c0"},
};

TEST(HashDomains, MatchProtocolSpecTable) {
  for (const auto& e : kTable) {
    EXPECT_EQ(test::hex(hash_domains(HashChoice::kShake256).*e.field), e.v03) << e.name;
    if (*e.v02) {
      EXPECT_EQ(test::hex(hash_domains(HashChoice::kBlake2b).*e.field), e.v02) << e.name;
    }
  }
}

TEST(HashDomains, CustomOutputKeyDomainFoldsEachLabel) {
  const std::string labels[] = {"rosenpass.eu", "wireguard psk"};
  for (auto c : {HashChoice::kBlake2b, HashChoice::kShake256}) {
    // The default domain is the custom rule applied to the WireGuard labels.
    EXPECT_EQ(osk_domain(c, labels[0], std::span(labels + 1, 1)), hash_domains(c).osk_wireguard);
    EXPECT_NE(osk_domain(c, "example.org", std::span(labels + 1, 1)),
              hash_domains(c).osk_wireguard);
  }
}

}  // namespace
}  // namespace rosenpass::crypto
