// Timer constants of protocol.md §12 and the retransmission schedule of §12.2.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

#include "rosenpass/protocol/server.h"

namespace rosenpass::protocol::timing {

using namespace std::chrono_literals;

inline constexpr Timestamp kRekeyAfterResponder = 120s;
inline constexpr Timestamp kRekeyAfterInitiator = 130s;
inline constexpr Timestamp kRejectAfter = 180s;  // session lifetime and handshake lifetime
inline constexpr Timestamp kBiscuitEpoch = 300s;
inline constexpr Timestamp kCookieSecretEpoch = 120s;
inline constexpr Timestamp kInitConfCacheLifetime = kRekeyAfterResponder;
inline constexpr Timestamp kEventGrace = 2500us;
inline constexpr Timestamp kMaxSleep = 8h;
inline constexpr double kRetransmitBegin = 0.5;
inline constexpr double kRetransmitEnd = 10.0;

// An auto-profile initiator tries the next wire after this many unanswered InitHellos; the
// back-off schedule continues across wires (an offline peer costs what it costs under a fixed
// profile).
inline constexpr uint32_t kAutoTransmissionsPerProfile = 2;
// Simultaneous starts (README): a side that just received RespHello ignores the peer's
// InitHellos (and, if it wins the key order, InitConfs) for this long; a side that answered
// the peer's InitHello holds its own initiation for kYieldHold.
inline constexpr Timestamp kRaceWindow = 1500ms;
inline constexpr Timestamp kYieldHold = 2s;
// While under load (an InitHello found the load policy over its limit) for this long, only
// answers to our own transmissions are processed (§6.2).
inline constexpr Timestamp kLoadLinger = 1s;
// ... and, once a profile has worked, falls back to cycling after this many failed handshakes.
inline constexpr uint32_t kAutoFailuresBeforeRetry = 2;

// Delay before the next retransmission: nominal 0.5, 1, 2, 4, 8, 10, 10, ... s, times a
// factor in [0.5, 1) from `r` in [0, 1).
inline Timestamp retransmit_delay(uint32_t tx_count, double r) {
  double exponent = std::min(std::log2(kRetransmitEnd / kRetransmitBegin), double(tx_count));
  double seconds = kRetransmitBegin * std::exp2(exponent) * 0.5 * (1.0 + r);
  return std::chrono::duration_cast<Timestamp>(std::chrono::duration<double>(seconds));
}

// Due if it falls within the grace period of now.
inline bool due(Timestamp at, Timestamp now) {
  return at - now < kEventGrace;
}

}  // namespace rosenpass::protocol::timing
