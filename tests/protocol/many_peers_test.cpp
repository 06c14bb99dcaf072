// Many peers on one server (issue 12): poll() works only on peers that are due or changed
// (a timer heap), adding a peer hashes nothing (ids are indexed later, a few per poll, or
// all at once when an InitHello needs them), duplicates are still refused at once.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "rosenpass/crypto/hash_domains.h"
#include "rosenpass/crypto/keyed_hash.h"
#include "sim.h"
#include "timing.h"

namespace rosenpass::test {
namespace {

double seconds(Timestamp t) {
  return std::chrono::duration<double>(t).count();
}

constexpr int kPeers = 40;

// A server initiating to kPeers peers that never answer.
struct Crowd {
  Node a{1};
  std::vector<std::unique_ptr<Node>> others;
  std::vector<PeerHandle> handles;
  Crowd() {
    for (int i = 0; i < kPeers; ++i) {
      others.push_back(std::make_unique<Node>(uint8_t(100 + i)));
      handles.push_back(connect(a, *others.back(), WireProfile::kV02, true));
    }
  }
};

TEST(ManyPeers, EveryPeerRetransmitsOnItsOwnSchedule) {
  Crowd c;
  std::map<uint32_t, std::vector<Timestamp>> sent;  // peer index -> transmission times
  Timestamp now{};
  while (now < 20s) {
    PollResult r = c.a.server->poll(now);
    for (const auto& d : r.datagrams) sent[d.peer.index].push_back(now);
    ASSERT_GT(r.next_wakeup, now);
    now = r.next_wakeup;
  }
  ASSERT_EQ(sent.size(), std::size_t(kPeers));
  const double nominal[] = {0.5, 1, 2, 4, 8, 10};
  for (const auto& [peer, times] : sent) {
    EXPECT_EQ(times.front(), Timestamp(0)) << peer;
    // 0.25-0.5, 0.5-1, 1-2, 2-4, 4-8 s: the sixth transmission is out by 15.5 s.
    ASSERT_GE(times.size(), 6u) << peer;
    for (std::size_t k = 1; k < 6; ++k) {
      const double gap = seconds(times[k] - times[k - 1]);
      EXPECT_GE(gap, nominal[k - 1] * 0.5 - 0.003) << peer << " transmission " << k;
      EXPECT_LE(gap, nominal[k - 1] + 0.003) << peer << " transmission " << k;
    }
  }
}

TEST(ManyPeers, RemovedAndPausedPeersSendNothingMore) {
  Crowd c;
  PollResult r = c.a.server->poll(Timestamp(0));
  ASSERT_EQ(r.datagrams.size(), std::size_t(kPeers));
  ASSERT_TRUE(c.a.server->remove_peer(c.handles[5]));
  Timestamp now = r.next_wakeup;
  std::set<uint32_t> seen;
  while (now < 10s) {
    r = c.a.server->poll(now);
    for (const auto& d : r.datagrams) seen.insert(d.peer.index);
    now = r.next_wakeup;
  }
  EXPECT_EQ(seen.size(), std::size_t(kPeers - 1));
  EXPECT_FALSE(seen.contains(c.handles[5].index));
  // A peer allowed to initiate again starts at the next poll, without waiting for a timer.
  c.a.server->set_may_initiate(c.handles[7], false);
  Node fresh(200);
  PeerHandle f = connect(c.a, fresh, WireProfile::kV02, false);
  r = c.a.server->poll(now);
  for (const auto& d : r.datagrams) EXPECT_NE(d.peer.index, f.index);
  c.a.server->set_may_initiate(f, true);
  r = c.a.server->poll(now + 1ms);
  ASSERT_EQ(r.datagrams.size(), 1u);
  EXPECT_EQ(r.datagrams[0].peer.index, f.index);
}

TEST(ManyPeers, InitHelloFromAPeerWhoseIdIsNotIndexedYetIsAnswered) {
  // `a` was never polled: none of its peers' ids has been hashed yet.
  Node a(11), b(12);
  std::vector<std::unique_ptr<Node>> others;
  for (int i = 0; i < 5; ++i) {
    others.push_back(std::make_unique<Node>(uint8_t(150 + i)));
    connect(a, *others.back(), WireProfile::kAuto, false);
  }
  PeerHandle ab = connect(a, b, WireProfile::kAuto, false);
  connect(b, a, WireProfile::kV02, true);
  PollResult r = b.server->poll(Timestamp(0));
  ASSERT_EQ(r.datagrams.size(), 1u);
  HandleResult h = a.server->handle(r.datagrams[0].bytes, {}, Timestamp(1ms));
  EXPECT_FALSE(h.dropped.has_value());
  EXPECT_TRUE(h.reply.has_value());
  // The peer id (computed on demand) is lhash("peer id", pk) under the hash in use.
  ASSERT_EQ(a.server->active_profile(ab), WireProfile::kV02);
  const auto h2 = crypto::HashChoice::kBlake2b;
  EXPECT_EQ(a.server->peer_id(ab),
            crypto::keyed_hash(h2, crypto::hash_domains(h2).peer_id, *b.keys.pk));
}

TEST(ManyPeers, DuplicateKeysAreRefusedByComparingTheKeysThemselves) {
  Node a(21), b(22);
  connect(a, b, WireProfile::kV02, true);
  PeerConfig same;
  same.public_key = b.keys.pk;
  EXPECT_FALSE(a.server->add_peer(std::move(same)).has_value());
  // A copy of the same key in other memory is the same key.
  PeerConfig copy;
  copy.public_key = std::make_shared<mceliece::PublicKey>(*b.keys.pk);
  EXPECT_FALSE(a.server->add_peer(std::move(copy)).has_value());
  // A key sharing its first bytes (the index's prefix) but not the rest is another peer.
  auto near = std::make_shared<mceliece::PublicKey>(*b.keys.pk);
  near->back() ^= 1;
  PeerConfig other;
  other.public_key = near;
  EXPECT_TRUE(a.server->add_peer(std::move(other)).has_value());
  EXPECT_EQ(a.server->peer_count(), 2u);
}

}  // namespace
}  // namespace rosenpass::test
