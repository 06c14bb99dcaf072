// Bounds on the expensive work an attacker can make us do while under load (protocol.md §6,
// docs/dos.md): token buckets per source and per class of InitHello. An InitHello costs a
// McEliece decapsulation, a Kyber encapsulation, a McEliece encapsulation and three 512 KiB
// hash passes (1-4 ms of CPU); everything checked before it costs microseconds.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "rosenpass/crypto/random.h"
#include "rosenpass/crypto/secret.h"
#include "rosenpass/protocol/server.h"

namespace rosenpass::protocol {

class WorkLimiter {
 public:
  // Which budget an InitHello under load draws from.
  enum class Class : uint8_t {
    kKnown,    // from the source of a peer's last authenticated message
    kCookie,   // carries a valid cookie: its source address is real
    kUnknown,  // legacy wire (no cookie possible) from an unknown source
  };

  explicit WorkLimiter(crypto::RandomSource& rng);

  // A keyed 64-bit digest of a sender address (attackers cannot aim at a bucket).
  uint64_t sender_key(std::span<const uint8_t> sender) const;

  // Takes one token from the per-source bucket and the class's global bucket; false (nothing
  // taken) if either is empty.
  bool admit(Class c, uint64_t sender, Timestamp now);

  // Whether a CookieReply may be sent to `sender` now (takes a token if so): known endpoints
  // draw from their own global bucket, other sources from a per-source and a global one.
  bool admit_reply(bool known, uint64_t sender, Timestamp now);
  // Whether admit_reply(false, sender, now) would succeed (takes nothing).
  bool reply_available(uint64_t sender, Timestamp now);

  // Per-class global rates (InitHellos per second) and the per-source rate, all with a burst
  // of one second's worth. Together at most 30 decapsulations/s beyond the load threshold.
  static constexpr std::array<double, 3> kClassRate = {10.0, 15.0, 5.0};
  static constexpr double kSourceRate = 2.0;
  // CookieReplies per second: to known endpoints, to other sources in total, per source.
  // 300/s costs under 1 % of a core (~26 us each) and 320 KB/s of send buffer.
  static constexpr double kKnownReplyRate = 100.0;
  static constexpr double kReplyRate = 200.0;
  static constexpr double kReplySourceRate = 2.0;

 private:
  // All-zero bytes are a full bucket, so the per-source tables can come from zeroed memory
  // that is never written until a source is first seen (they are only consulted under load).
  struct Bucket {
    double deficit = 0;  // tokens missing from a full burst, >= 0
    Timestamp last{};
  };
  static bool has(Bucket& b, double rate, Timestamp now);
  // The per-source tables, allocated zeroed (calloc: fresh pages, not touched) at first use.
  struct SourceBuckets {
    std::array<Bucket, 4096> source;  // by sender digest; collisions share a bucket
    std::array<Bucket, 4096> reply_source;
  };
  struct FreeDeleter {
    void operator()(SourceBuckets* p) const noexcept;
  };
  // nullptr if it cannot be allocated: then no work is admitted (we are under load anyway).
  SourceBuckets* sources();

  crypto::Secret<32> key_;
  std::array<Bucket, 3> class_;
  Bucket known_replies_, replies_;
  std::unique_ptr<SourceBuckets, FreeDeleter> sources_;
};

}  // namespace rosenpass::protocol
