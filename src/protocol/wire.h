// Wire layouts of protocol.md §3 and §15.4 as named offsets and sizes. Messages are read and
// written through spans at these offsets; nothing is cast onto a buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace rosenpass::protocol::wire {

inline constexpr uint8_t kTypeInitHello = 0x81;
inline constexpr uint8_t kTypeRespHello = 0x82;
inline constexpr uint8_t kTypeInitConf = 0x83;
inline constexpr uint8_t kTypeEmptyData = 0x84;
inline constexpr uint8_t kTypeCookieReply = 0x86;

inline constexpr std::size_t kHeaderSize = 4;  // type + 3 reserved bytes
inline constexpr std::size_t kMacSize = 16;
inline constexpr std::size_t kCookieSize = 16;
inline constexpr std::size_t kEnvelopeOverhead = kHeaderSize + kMacSize + kCookieSize;

inline constexpr std::size_t kSidSize = 4;
inline constexpr std::size_t kTagSize = 16;
inline constexpr std::size_t kEpkiSize = 800;
inline constexpr std::size_t kEctiSize = 768;
inline constexpr std::size_t kSctCurrentSize = 156;  // McEliece round 4
inline constexpr std::size_t kSctLegacySize = 188;   // with plaintext confirmation (§15.2)
inline constexpr std::size_t kPidSize = 32;
inline constexpr std::size_t kPidCtSize = kPidSize + kTagSize;
inline constexpr std::size_t kBiscuitNonceSize = 24;
inline constexpr std::size_t kBiscuitNoSize = 12;
inline constexpr std::size_t kBiscuitPlainSize = kPidSize + kBiscuitNoSize + 32;
inline constexpr std::size_t kBiscuitCtSize = kBiscuitNonceSize + kBiscuitPlainSize + kTagSize;

// mac and cookie sit at the end of every envelope.
constexpr std::size_t mac_offset(std::size_t total) {
  return total - kMacSize - kCookieSize;
}
constexpr std::size_t cookie_offset(std::size_t total) {
  return total - kCookieSize;
}

// InitHello (§3.2, §15.4); `sct` is the McEliece ciphertext size of the wire.
struct InitHelloLayout {
  std::size_t sct_size;
  constexpr std::size_t sidi() const { return kHeaderSize; }
  constexpr std::size_t epki() const { return sidi() + kSidSize; }
  constexpr std::size_t sctr() const { return epki() + kEpkiSize; }
  constexpr std::size_t pidi_ct() const { return sctr() + sct_size; }
  constexpr std::size_t auth() const { return pidi_ct() + kPidCtSize; }
  constexpr std::size_t mac() const { return auth() + kTagSize; }
  constexpr std::size_t size() const { return mac() + kMacSize + kCookieSize; }
};

// RespHello (§3.3, §15.4): auth precedes biscuit_ct on the wire.
struct RespHelloLayout {
  std::size_t sct_size;
  constexpr std::size_t sidr() const { return kHeaderSize; }
  constexpr std::size_t sidi() const { return sidr() + kSidSize; }
  constexpr std::size_t ecti() const { return sidi() + kSidSize; }
  constexpr std::size_t scti() const { return ecti() + kEctiSize; }
  constexpr std::size_t auth() const { return scti() + sct_size; }
  constexpr std::size_t biscuit() const { return auth() + kTagSize; }
  constexpr std::size_t mac() const { return biscuit() + kBiscuitCtSize; }
  constexpr std::size_t size() const { return mac() + kMacSize + kCookieSize; }
};

inline constexpr InitHelloLayout kInitHello{kSctCurrentSize};
inline constexpr InitHelloLayout kInitHelloLegacy{kSctLegacySize};
inline constexpr RespHelloLayout kRespHello{kSctCurrentSize};
inline constexpr RespHelloLayout kRespHelloLegacy{kSctLegacySize};

inline constexpr std::size_t kInitHelloSize = 1060;
inline constexpr std::size_t kInitHelloLegacySize = 1092;
inline constexpr std::size_t kRespHelloSize = 1100;
inline constexpr std::size_t kRespHelloLegacySize = 1132;
static_assert(kInitHello.size() == kInitHelloSize &&
              kInitHelloLegacy.size() == kInitHelloLegacySize);
static_assert(kRespHello.size() == kRespHelloSize &&
              kRespHelloLegacy.size() == kRespHelloLegacySize);
static_assert(kInitHello.pidi_ct() == 964 && kInitHello.auth() == 1012 && kInitHello.mac() == 1028);
static_assert(kRespHello.auth() == 936 && kRespHello.biscuit() == 952 && kRespHello.mac() == 1068);
static_assert(kInitHelloLegacy.mac() == 1060 && kRespHelloLegacy.biscuit() == 984);

// InitConf (§3.4).
namespace init_conf {
inline constexpr std::size_t kSidi = kHeaderSize;
inline constexpr std::size_t kSidr = kSidi + kSidSize;
inline constexpr std::size_t kBiscuit = kSidr + kSidSize;
inline constexpr std::size_t kAuth = kBiscuit + kBiscuitCtSize;
inline constexpr std::size_t kMac = kAuth + kTagSize;
}  // namespace init_conf
inline constexpr std::size_t kInitConfSize = 176;
static_assert(init_conf::kMac + kMacSize + kCookieSize == kInitConfSize);

// EmptyData (§3.5).
namespace empty_data {
inline constexpr std::size_t kSid = kHeaderSize;
inline constexpr std::size_t kCtr = kSid + kSidSize;
inline constexpr std::size_t kCtrSize = 8;
inline constexpr std::size_t kAuth = kCtr + kCtrSize;
inline constexpr std::size_t kMac = kAuth + kTagSize;
}  // namespace empty_data
inline constexpr std::size_t kEmptyDataSize = 64;
static_assert(empty_data::kMac + kMacSize + kCookieSize == kEmptyDataSize);

// CookieReply (§3.6): no envelope, padded to an InitHello's size so it never amplifies.
namespace cookie_reply {
inline constexpr std::size_t kSid = kHeaderSize;
inline constexpr std::size_t kNonce = kSid + kSidSize;
inline constexpr std::size_t kCookieCt = kNonce + kBiscuitNonceSize;
inline constexpr std::size_t kCookieCtSize = 16 + kTagSize;
inline constexpr std::size_t kPadding = kCookieCt + kCookieCtSize;
}  // namespace cookie_reply
inline constexpr std::size_t kCookieReplySize = 1060;
static_assert(cookie_reply::kPadding == 64);

inline constexpr std::size_t kMaxMessageSize = kRespHelloLegacySize;

// Fixed-size views into a message buffer.
template <std::size_t N>
std::span<const uint8_t, N> field(std::span<const uint8_t> msg, std::size_t offset) {
  return msg.subspan(offset).first<N>();
}
template <std::size_t N>
std::span<uint8_t, N> field(std::span<uint8_t> msg, std::size_t offset) {
  return msg.subspan(offset).first<N>();
}

inline uint32_t load_u32_le(std::span<const uint8_t, 4> b) {
  return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}
inline void store_u32_le(std::span<uint8_t, 4> b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[i] = uint8_t(v >> (8 * i));
}
inline uint64_t load_u64_le(std::span<const uint8_t, 8> b) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | b[i];
  return v;
}
inline void store_u64_le(std::span<uint8_t, 8> b, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[i] = uint8_t(v >> (8 * i));
}

}  // namespace rosenpass::protocol::wire
