// The cookie mechanism (protocol.md §5.2, §6) on its own: the envelope cookie field, the
// CookieReply a responder under load sends, and the two cookie secrets' lifetimes (a secret is
// handed out for 120 s and accepted for 240 s). The server tests only reach it under load.
#include "cookies.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "fake_kems.h"
#include "rosenpass/crypto/aead.h"
#include "wire.h"

namespace rosenpass::test {
namespace {

using namespace std::chrono_literals;
using protocol::CookieJar;
using protocol::kCookieValueSize;

std::vector<uint8_t> init_hello(uint8_t fill) {
  std::vector<uint8_t> m(wire::kInitHelloSize, fill);
  m[0] = wire::kTypeInitHello;
  m[1] = m[2] = m[3] = 0;
  return m;
}

const std::array<uint8_t, 18> kSenderA = {10, 0, 0, 1, 0x1f, 0x90};
const std::array<uint8_t, 18> kSenderB = {10, 0, 0, 2, 0x1f, 0x90};

// What an initiator does with a CookieReply: open it with the responder's cookie key and the
// InitHello's mac as associated data, and keep the 16-byte cookie value.
std::optional<std::array<uint8_t, kCookieValueSize>> open_reply(
    std::span<const uint8_t> reply, std::span<const uint8_t> hello,
    std::span<const uint8_t, 32> cookie_key) {
  namespace cr = wire::cookie_reply;
  std::array<uint8_t, kCookieValueSize> value{};
  auto nonce = reply.subspan(cr::kNonce).first<crypto::kXAeadNonceSize>();
  auto mac = hello.subspan(wire::mac_offset(hello.size()), wire::kMacSize);
  if (!crypto::xaead::open(value, cookie_key, nonce, reply.subspan(cr::kCookieCt, cr::kCookieCtSize),
                           mac)) {
    return std::nullopt;
  }
  return value;
}

TEST(Cookies, SealedCookieMatchesOnlyItsValueAndMessage) {
  auto m = init_hello(0x33);
  std::array<uint8_t, kCookieValueSize> v{1, 2, 3}, w{4, 5, 6};
  protocol::seal_cookie(m, v);
  EXPECT_TRUE(protocol::cookie_matches(m, v));
  EXPECT_FALSE(protocol::cookie_matches(m, w));
  // The cookie covers everything before it; the cookie field itself is the last 16 bytes.
  auto changed = m;
  changed[100] ^= 1;
  EXPECT_FALSE(protocol::cookie_matches(changed, v));
  changed = m;
  changed.back() ^= 1;
  EXPECT_FALSE(protocol::cookie_matches(changed, v));
  EXPECT_EQ(wire::cookie_offset(m.size()), m.size() - wire::kCookieSize);
}

TEST(Cookies, CookieReplyKeyIsPerResponderKey) {
  std::vector<uint8_t> pk1(64, 1), pk2(64, 2);
  EXPECT_EQ(protocol::cookie_reply_key(pk1), protocol::cookie_reply_key(pk1));
  EXPECT_NE(protocol::cookie_reply_key(pk1), protocol::cookie_reply_key(pk2));
}

TEST(Cookies, ReplyCarriesACookieThatVerifiesForTheSameSenderOnly) {
  SeededRandom rng(1);
  CookieJar jar(rng);
  std::vector<uint8_t> responder_pk(64, 7);
  auto key = protocol::cookie_reply_key(responder_pk);
  auto hello = init_hello(0x44);
  hello[wire::kHeaderSize] = 0xab;  // sender's session id, echoed in the reply
  protocol::Timestamp now = 1000s;
  EXPECT_FALSE(jar.verify(hello, kSenderA, now)) << "no secret handed out yet";

  auto reply = jar.reply(hello, kSenderA, key, now, rng);
  ASSERT_EQ(reply.size(), wire::kCookieReplySize);
  EXPECT_EQ(reply[0], wire::kTypeCookieReply);
  EXPECT_EQ(reply[wire::cookie_reply::kSid], 0xab);
  auto value = open_reply(reply, hello, key);
  ASSERT_TRUE(value);
  // Wrong key or another InitHello's mac: the reply does not open.
  auto other_key = protocol::cookie_reply_key(std::vector<uint8_t>(64, 8));
  EXPECT_FALSE(open_reply(reply, hello, other_key));
  auto other_hello = init_hello(0x45);
  EXPECT_FALSE(open_reply(reply, other_hello, key));

  // The initiator retransmits with the cookie: accepted from A, not from B, not without it.
  auto retry = hello;
  protocol::seal_cookie(retry, *value);
  EXPECT_TRUE(jar.verify(retry, kSenderA, now + 1s));
  EXPECT_FALSE(jar.verify(retry, kSenderB, now + 1s));
  EXPECT_FALSE(jar.verify(hello, kSenderA, now + 1s));
  // Same sender, same epoch: the same value again.
  auto reply2 = jar.reply(hello, kSenderA, key, now + 10s, rng);
  EXPECT_NE(reply2, reply);  // fresh nonce and padding
  EXPECT_EQ(open_reply(reply2, hello, key), value);
}

TEST(Cookies, SecretsAreHandedOutFor120sAndAcceptedFor240s) {
  SeededRandom rng(2);
  CookieJar jar(rng);
  auto key = protocol::cookie_reply_key(std::vector<uint8_t>(64, 9));
  auto hello = init_hello(0x55);
  protocol::Timestamp t0 = 5000s;
  auto first = open_reply(jar.reply(hello, kSenderA, key, t0, rng), hello, key);
  ASSERT_TRUE(first);
  auto with_first = hello;
  protocol::seal_cookie(with_first, *first);

  // Within the epoch the same secret is used; after it a new one (the other slot)...
  EXPECT_EQ(open_reply(jar.reply(hello, kSenderA, key, t0 + 119s, rng), hello, key), first);
  auto second = open_reply(jar.reply(hello, kSenderA, key, t0 + 120s, rng), hello, key);
  ASSERT_TRUE(second);
  EXPECT_NE(*second, *first);
  // ...while the retired one is still accepted until 240 s after its creation.
  EXPECT_TRUE(jar.verify(with_first, kSenderA, t0 + 239s));
  EXPECT_FALSE(jar.verify(with_first, kSenderA, t0 + 240s));
  auto with_second = hello;
  protocol::seal_cookie(with_second, *second);
  EXPECT_TRUE(jar.verify(with_second, kSenderA, t0 + 240s));

  // A third epoch replaces the oldest slot (the first secret), never the younger one.
  auto third = open_reply(jar.reply(hello, kSenderA, key, t0 + 240s, rng), hello, key);
  ASSERT_TRUE(third);
  EXPECT_NE(*third, *first);
  EXPECT_NE(*third, *second);
  EXPECT_TRUE(jar.verify(with_second, kSenderA, t0 + 300s));
  // Long silence: every secret expired, nothing verifies; the next reply starts afresh.
  EXPECT_FALSE(jar.verify(with_second, kSenderA, t0 + 1000s));
  auto fresh = open_reply(jar.reply(hello, kSenderA, key, t0 + 1000s, rng), hello, key);
  ASSERT_TRUE(fresh);
  auto with_fresh = hello;
  protocol::seal_cookie(with_fresh, *fresh);
  EXPECT_TRUE(jar.verify(with_fresh, kSenderA, t0 + 1000s));
}

TEST(Cookies, RetiredSecretsAreErasedAfter240s) {
  SeededRandom rng(4);
  CookieJar jar(rng);
  auto key = protocol::cookie_reply_key(std::vector<uint8_t>(64, 2));
  auto hello = init_hello(0x77);
  const protocol::Timestamp t0 = 700s;
  ASSERT_TRUE(open_reply(jar.reply(hello, kSenderA, key, t0, rng), hello, key));
  const int used = jar.slot_live(0) ? 0 : 1;
  ASSERT_TRUE(jar.slot_live(used));
  EXPECT_FALSE(jar.slot_zeroed(used)) << "a random secret is in use";
  jar.expire(t0 + 239s);
  EXPECT_FALSE(jar.slot_zeroed(used)) << "retired, still accepted";
  jar.expire(t0 + 240s);
  EXPECT_FALSE(jar.slot_live(used));
  EXPECT_TRUE(jar.slot_zeroed(used)) << "the secret's bytes must be wiped, not only its time";
}

TEST(Cookies, OverwrittenSecretInvalidatesItsCookies) {
  SeededRandom rng(3);
  CookieJar jar(rng);
  auto key = protocol::cookie_reply_key(std::vector<uint8_t>(64, 1));
  auto hello = init_hello(0x66);
  auto value = open_reply(jar.reply(hello, kSenderA, key, 10s, rng), hello, key);
  ASSERT_TRUE(value);
  auto with = hello;
  protocol::seal_cookie(with, *value);
  ASSERT_TRUE(jar.verify(with, kSenderA, 11s));
  std::array<uint8_t, kCookieValueSize> other{42};
  jar.overwrite_secret(0, other);
  jar.overwrite_secret(1, other);
  EXPECT_FALSE(jar.verify(with, kSenderA, 12s));
}

}  // namespace
}  // namespace rosenpass::test
