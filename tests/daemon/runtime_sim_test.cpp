// daemon::Runtime driven in memory (runtime_sim.h): discovery, roaming, stale keys, the
// failure budget, peers added and removed while handshakes are in flight, failing sinks.
#include "runtime_sim.h"

#include <netinet/in.h>

#include "rosenpass/crypto/base64.h"

namespace rosenpass::test {
namespace {

using K = RuntimeEvent::Kind;
using Records = std::shared_ptr<std::vector<SinkRecord>>;

Records records() {
  return std::make_shared<std::vector<SinkRecord>>();
}

std::vector<std::unique_ptr<base::KeySink>> sinks(
    Records r, std::optional<base::SinkErrorKind> failure = std::nullopt) {
  std::vector<std::unique_ptr<base::KeySink>> v;
  v.push_back(std::make_unique<RecordingSink>(std::move(r), failure));
  return v;
}

int exchanged(const Records& r) {
  return int(std::count_if(r->begin(), r->end(),
                           [](const SinkRecord& s) { return s.kind == base::KeyKind::kExchanged; }));
}

TEST(RuntimeSim, DiscoveryTriesEachAddressUntilOneAnswers) {
  SimNode a(1, {"10.0.0.1:9000"}), b(2, {"10.0.0.2:9000"});
  auto ra = records(), rb = records();
  // A knows B under two dead addresses first and the right one last.
  PeerRef pb = *a.rt->add_peer(
      spec_for(b, {addr("10.9.9.9:1"), addr("10.9.9.8:2"), addr("10.0.0.2:9000")}, sinks(ra)), {});
  ASSERT_TRUE(b.rt->add_peer(spec_for(a, {}, sinks(rb)), {}).ok());
  Net net({&a, &b});
  net.run_until(30s);
  ASSERT_GE(exchanged(ra), 1);
  ASSERT_GE(exchanged(rb), 1);
  EXPECT_EQ(ra->back().key, rb->back().key);
  // Every address was tried, and the answering one is now the confirmed endpoint.
  for (auto dead : {addr("10.9.9.9:1"), addr("10.9.9.8:2")}) {
    EXPECT_TRUE(std::any_of(a.sent.begin(), a.sent.end(), [&](const Datagram& d) { return d.to == dead; }));
  }
  auto st = a.rt->status(pb, net.now);
  ASSERT_TRUE(st.has_value());
  ASSERT_TRUE(st->endpoint.has_value());
  EXPECT_EQ(*st->endpoint, addr("10.0.0.2:9000"));
  EXPECT_GE(st->handshakes_completed, 1u);
  EXPECT_TRUE(st->last_exchanged.has_value());
  EXPECT_TRUE(st->next_rekey.has_value());
  // The stdout peer id is the protocol core's, under the hash in use.
  EXPECT_EQ(ra->back().peer_id, st->peer_id);
  EXPECT_EQ(st->peer_id.size(), 44u);
}

TEST(RuntimeSim, RoamingMovesTheEndpointOnAnAuthenticatedExchangeOnly) {
  SimNode a(1, {"10.0.0.1:9000"}), b(2, {"10.0.0.2:9000"});
  auto ra = records(), rb = records();
  // A is responder-only towards B; B initiates.
  PeerRef pb = *a.rt->add_peer(spec_for(b, {}, sinks(ra)), {});
  ASSERT_TRUE(b.rt->add_peer(spec_for(a, {addr("10.0.0.1:9000")}, sinks(rb)), {}).ok());
  Net net({&a, &b});
  net.run_until(10s);
  ASSERT_EQ(exchanged(ra), 1);
  EXPECT_EQ(*a.rt->status(pb, net.now)->endpoint, addr("10.0.0.2:9000"));
  // B roams behind a NAT: the next rekey arrives from a new address, which A adopts.
  b.source_override = addr("192.0.2.7:4444");
  // Garbage from yet another address does not move the endpoint.
  Output junk = a.rt->handle(0, addr("198.51.100.1:1"), std::vector<uint8_t>(100, 0x81), net.now);
  ASSERT_EQ(junk.events.size(), 1u);
  EXPECT_EQ(junk.events[0].kind, K::kDropped);
  EXPECT_EQ(*a.rt->status(pb, net.now)->endpoint, addr("10.0.0.2:9000"));
  net.run_until(200s);
  ASSERT_GE(exchanged(ra), 2);
  EXPECT_EQ(*a.rt->status(pb, net.now)->endpoint, addr("192.0.2.7:4444"));
  EXPECT_EQ(ra->back().key, rb->back().key);
  // A now initiates too (its endpoint for B is known) and reaches B at the new address.
  EXPECT_TRUE(a.rt->status(pb, net.now)->next_rekey.has_value());
}

TEST(RuntimeSim, KeyGoesStaleAfter180SecondsAndDiscoveryRestarts) {
  SimNode a(1, {"10.0.0.1:9000"}), b(2, {"10.0.0.2:9000"});
  auto ra = records(), rb = records();
  PeerRef pb = *a.rt->add_peer(spec_for(b, {addr("10.0.0.2:9000")}, sinks(ra)), {});
  ASSERT_TRUE(b.rt->add_peer(spec_for(a, {}, sinks(rb)), {}).ok());
  Net net({&a, &b});
  net.run_until(5s);
  ASSERT_EQ(exchanged(ra), 1);
  const auto keyed_at = a.rt->status(pb, net.now)->last_exchanged;
  ASSERT_TRUE(keyed_at.has_value());
  net.deliver = [](int, const SocketAddress&) { return false; };  // the link dies
  net.run_until(*keyed_at + 179s);
  EXPECT_EQ(a.count(K::kKeyStale), 0);
  net.run_until(*keyed_at + 181s);
  EXPECT_EQ(a.count(K::kKeyStale), 1);
  ASSERT_EQ(ra->back().kind, base::KeyKind::kStale);
  EXPECT_NE(ra->back().key, rb->front().key);
  EXPECT_FALSE(a.rt->status(pb, net.now)->endpoint.has_value());  // discovering again
  net.deliver = [](int, const SocketAddress&) { return true; };
  net.run_until(*keyed_at + 400s);
  EXPECT_EQ(ra->back().kind, base::KeyKind::kExchanged);
  EXPECT_EQ(ra->back().key, rb->back().key);
}

TEST(RuntimeSim, FailureBudgetEndsAfterTheEleventhFailureAndAKeyResetsIt) {
  SimNode a(1, {"10.0.0.1:9000"}), b(2, {"10.0.0.2:9000"});
  PeerRef pb = *a.rt->add_peer(spec_for(b, {addr("10.0.0.2:9000")}), {});
  Output o = a.rt->poll({});
  ASSERT_EQ(o.datagrams.size(), 1u);
  const Datagram d = o.datagrams[0];
  EXPECT_EQ(d.peer, pb);
  for (int i = 1; i <= 10; ++i) {
    Output f = a.rt->send_failed(d, ENETUNREACH, {});
    ASSERT_EQ(f.events.size(), 1u);
    EXPECT_EQ(f.events[0].kind, K::kFailure);
    EXPECT_EQ(f.events[0].failures_left, 10 - i + 1);
  }
  Output last = a.rt->send_failed(d, ENETUNREACH, {});
  ASSERT_EQ(last.events.size(), 1u);
  EXPECT_EQ(last.events[0].kind, K::kFatal);

  // A fresh runtime: ten failures, then a key exchange resets the budget.
  SimNode c(3, {"10.0.0.3:9000"});
  ASSERT_TRUE(c.rt->add_peer(spec_for(b, {addr("10.0.0.2:9000")}), {}).ok());
  ASSERT_TRUE(b.rt->add_peer(spec_for(c, {}), {}).ok());
  Output oc = c.rt->poll({});
  ASSERT_EQ(oc.datagrams.size(), 1u);
  for (int i = 0; i < 10; ++i) (void)c.rt->send_failed(oc.datagrams[0], ENETUNREACH, {});
  EXPECT_EQ(c.rt->failures(), 10);
  Net net({&c, &b});
  net.run_until(10s);
  EXPECT_EQ(c.count(K::kKeyExchanged), 1);
  EXPECT_EQ(c.rt->failures(), 0);
}

TEST(RuntimeSim, DiscoveryFailsOverToTheNextAddressOnASendError) {
  SimNode a(1, {"10.0.0.1:9000", "[fd00::1]:9000"}), b(2, {"10.0.0.2:9000"});
  ASSERT_TRUE(a.rt->add_peer(spec_for(b, {addr("[fd00::2]:1"), addr("10.0.0.2:9000")}), {}).ok());
  Output o = a.rt->poll({});
  ASSERT_EQ(o.datagrams.size(), 1u);
  // Only listeners that can reach the address are used: v6 address on the v6 listener.
  EXPECT_EQ(o.datagrams[0].to, addr("[fd00::2]:1"));
  EXPECT_EQ(o.datagrams[0].listener, 1u);
  Output next = a.rt->send_failed(o.datagrams[0], ENETUNREACH, {});
  ASSERT_EQ(next.datagrams.size(), 1u);
  EXPECT_EQ(next.datagrams[0].to, addr("10.0.0.2:9000"));
  EXPECT_EQ(next.datagrams[0].listener, 0u);
  EXPECT_TRUE(next.events.empty());
  // The v6 listener is dual-stack here, so it is the last way to the IPv4 address.
  Output last = a.rt->send_failed(next.datagrams[0], ENETUNREACH, {});
  ASSERT_EQ(last.datagrams.size(), 1u);
  EXPECT_EQ(last.datagrams[0].to, addr("10.0.0.2:9000"));
  EXPECT_EQ(last.datagrams[0].listener, 1u);
  Output none = a.rt->send_failed(last.datagrams[0], ENETUNREACH, {});
  EXPECT_TRUE(none.datagrams.empty());
  ASSERT_EQ(none.events.size(), 1u);
  EXPECT_EQ(none.events[0].kind, K::kFailure);
}

TEST(RuntimeSim, PeersAddedAndRemovedWhileHandshakesAreInFlight) {
  SimNode hub(1, {"10.0.0.1:9000"}), b(2, {"10.0.0.2:9000"}), c(3, {"10.0.0.3:9000"}),
      d(4, {"10.0.0.4:9000"});
  auto rb = records(), rc = records(), rd = records(), hb = records(), hd = records();
  PeerRef hub_b = *hub.rt->add_peer(spec_for(b, {}, sinks(hb)), {});
  PeerRef hub_c = *hub.rt->add_peer(spec_for(c, {}), {});
  ASSERT_TRUE(b.rt->add_peer(spec_for(hub, {addr("10.0.0.1:9000")}, sinks(rb)), {}).ok());
  ASSERT_TRUE(c.rt->add_peer(spec_for(hub, {addr("10.0.0.1:9000")}, sinks(rc)), {}).ok());
  Net net({&hub, &b, &c, &d});
  net.run_until(1500us);  // InitHellos delivered, replies in flight
  ASSERT_EQ(exchanged(hb), 0);
  ASSERT_TRUE(hub.rt->remove_peer(hub_c).ok());
  PeerRef hub_d = *hub.rt->add_peer(spec_for(d, {}, sinks(hd)), net.now);
  ASSERT_TRUE(d.rt->add_peer(spec_for(hub, {addr("10.0.0.1:9000")}, sinks(rd)), net.now).ok());
  net.poke(hub);
  net.poke(d);
  net.run_until(20s);
  // B's handshake was not disturbed; D was added and keyed; C is unknown now.
  EXPECT_EQ(exchanged(hb), 1);
  EXPECT_EQ(hb->back().key, rb->back().key);
  EXPECT_EQ(exchanged(hd), 1);
  EXPECT_EQ(hd->back().key, rd->back().key);
  // The hub never produced a key for C after removing it (C, the initiator, may have derived
  // one when it sent InitConf; the hub dropped that InitConf).
  EXPECT_EQ(std::count_if(hub.events.begin(), hub.events.end(),
                          [&](const auto& e) { return e.second.peer == hub_c; }),
            0);
  EXPECT_GT(hub.rt->dropped(protocol::DropReason::kUnknownPeer) +
                hub.rt->dropped(protocol::DropReason::kNoSuchSession),
            0u);
  // The removed ref is dead for good, even though D took its slot.
  EXPECT_FALSE(hub.rt->status(hub_c, net.now).has_value());
  EXPECT_FALSE(hub.rt->remove_peer(hub_c).ok());
  EXPECT_EQ(hub_d.slot, hub_c.slot);
  EXPECT_NE(hub_d.generation, hub_c.generation);
  EXPECT_EQ(hub.rt->peer_count(), 2u);
  EXPECT_EQ(PeerRef::from_u64(hub_b.to_u64()), hub_b);
  // Adding C back works (its public key is free again) and it keys again.
  auto hc = records();
  ASSERT_TRUE(hub.rt->add_peer(spec_for(c, {}, sinks(hc)), net.now).ok());
  net.run_until(300s);
  ASSERT_GE(exchanged(hc), 1);
  EXPECT_EQ(hc->back().key, rc->back().key);
}

TEST(RuntimeSim, FailingAndRejectingSinks) {
  SimNode a(1, {"10.0.0.1:9000"}), b(2, {"10.0.0.2:9000"});
  auto first = records(), second = records(), rb = records();
  // A rejecting sink is reported and the next sink still runs.
  std::vector<std::unique_ptr<base::KeySink>> s;
  s.push_back(std::make_unique<RecordingSink>(first, base::SinkErrorKind::kRejected));
  s.push_back(std::make_unique<RecordingSink>(second));
  ASSERT_TRUE(a.rt->add_peer(spec_for(b, {addr("10.0.0.2:9000")}, std::move(s)), {}).ok());
  // B's only sink fails: a counted failure; B keeps running and keys again at the rekey.
  ASSERT_TRUE(b.rt->add_peer(spec_for(a, {}, sinks(rb, base::SinkErrorKind::kFailed)), {}).ok());
  Net net({&a, &b});
  net.run_until(10s);
  EXPECT_EQ(a.count(K::kSinkRejected), 1);
  EXPECT_EQ(exchanged(second), 1);
  EXPECT_EQ(exchanged(first), 1);
  EXPECT_EQ(b.count(K::kFailure), 1);
  // Marked as key output (the shell then names the peer and the cause, not the network).
  for (const auto& [t, e] : b.events) {
    if (e.kind != K::kFailure) continue;
    EXPECT_TRUE(e.key_output);
    EXPECT_TRUE(e.peer.has_value());
    EXPECT_FALSE(e.peer_id.empty());
  }
  EXPECT_EQ(b.rt->failures(), 1);
  EXPECT_EQ(b.count(K::kFatal), 0);
  net.run_until(300s);
  EXPECT_GE(exchanged(second), 2);
  EXPECT_EQ(second->back().key, rb->back().key);
}

TEST(RuntimeSim, UpdatedEndpointAndPskTakeEffectWithoutRestart) {
  SimNode a(1, {"10.0.0.1:9000"}), b(2, {"10.0.0.2:9000"});
  auto ra = records(), rb = records();
  PeerRef pb = *a.rt->add_peer(spec_for(b, {addr("10.9.9.9:1")}, sinks(ra)), {});
  PeerRef pa = *b.rt->add_peer(spec_for(a, {}, sinks(rb)), {});
  Net net({&a, &b});
  net.run_until(5s);
  EXPECT_EQ(exchanged(ra), 0);  // wrong endpoint
  ASSERT_TRUE(a.rt->update_peer(pb, {.endpoints = std::vector{addr("10.0.0.2:9000")}}, net.now).ok());
  net.poke(a);
  net.run_until(200s);
  ASSERT_GE(exchanged(ra), 1);
  EXPECT_EQ(ra->back().key, rb->back().key);
  // Different PSKs on the two sides: no further key; the same new PSK: keys again.
  protocol::Psk p1, p2;
  p1.reveal_mut()[0] = 7;
  p2.reveal_mut()[0] = 8;
  ASSERT_TRUE(a.rt->update_peer(pb, {.psk = std::move(p1)}, net.now).ok());
  ASSERT_TRUE(b.rt->update_peer(pa, {.psk = std::move(p2)}, net.now).ok());
  const int before = exchanged(ra);
  net.run_until(net.now + 150s);
  EXPECT_EQ(exchanged(ra), before);
  protocol::Psk p3;
  p3.reveal_mut()[0] = 7;
  ASSERT_TRUE(b.rt->update_peer(pa, {.psk = std::move(p3)}, net.now).ok());
  net.run_until(net.now + 200s);
  EXPECT_GT(exchanged(ra), before);
  EXPECT_EQ(ra->back().key, rb->back().key);
  EXPECT_FALSE(a.rt->update_peer(PeerRef{99, 1}, {}, net.now).ok());
}

}  // namespace
}  // namespace rosenpass::test

namespace rosenpass::test {
namespace {

// #16, through the daemon runtime: a default (auto) daemon with the other's endpoint, and a
// default responder-only daemon whose peer appears 0-60 s later. Every key either side
// hands its sinks carries the V02 (BLAKE2b) peer id, which is the one status reports.
TEST(RuntimeSim, LateResponderOnlyAutoPeerPrintsOnlyV02PeerIds) {
  for (int offset : {0, 3, 11, 25, 38, 47, 60}) {
    SimNode a(1, {"10.0.0.1:9000"}), b(2, {"10.0.0.2:9000"});
    auto ra = std::make_shared<std::vector<SinkRecord>>();
    auto rb = std::make_shared<std::vector<SinkRecord>>();
    auto one_sink = [](std::shared_ptr<std::vector<SinkRecord>> r) {
      std::vector<std::unique_ptr<base::KeySink>> v;
      v.push_back(std::make_unique<RecordingSink>(std::move(r)));
      return v;
    };
    PeerRef pb = *a.rt->add_peer(spec_for(b, {addr("10.0.0.2:9000")}, one_sink(ra)), {});
    Net net({&a, &b});
    net.run_until(std::chrono::seconds(offset) + 137ms);  // b knows no peer yet: drops all
    PeerRef pa = *b.rt->add_peer(spec_for(a, {}, one_sink(rb)), net.now);
    net.poke(b);
    net.run_until(net.now + 300s);
    auto sa = a.rt->status(pb, net.now), sb = b.rt->status(pa, net.now);
    ASSERT_TRUE(sa && sb);
    EXPECT_EQ(sa->profile, protocol::WireProfile::kV02) << offset;
    EXPECT_EQ(sb->profile, protocol::WireProfile::kV02) << offset;
    ASSERT_FALSE(ra->empty()) << offset;
    ASSERT_FALSE(rb->empty()) << offset;
    for (const auto& r : *ra) EXPECT_EQ(r.peer_id, sa->peer_id) << offset;
    for (const auto& r : *rb) EXPECT_EQ(r.peer_id, sb->peer_id) << offset;
    EXPECT_EQ(ra->back().key, rb->back().key) << offset;
  }
}

// While an auto peer cycles wires unanswered, status names no wire ("not negotiated yet") and
// keeps the id add-peer printed (V02's), instead of following the wire being tried (the
// trial of #12 saw `protocol: V03` and a SHAKE256 id for a peer that had never keyed).
TEST(RuntimeSim, UnansweredAutoPeerKeepsItsIdAndNamesNoWire) {
  SimNode a(1, {"10.0.0.1:9000"}), b(2, {"10.0.0.2:9000"});
  Records ra = records();
  PeerRef pb = *a.rt->add_peer(spec_for(b, {addr("10.0.0.2:9000")}, sinks(ra)), {});
  Net net({&a, &b});  // b knows no peer yet: it drops every InitHello
  const std::string first_id = a.rt->status(pb, net.now)->peer_id;
  for (int s = 1; s <= 90; ++s) {  // long enough to try every wire
    net.run_until(std::chrono::seconds(s));
    auto st = a.rt->status(pb, net.now);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->profile, protocol::WireProfile::kAuto) << s << " s";
    EXPECT_EQ(st->peer_id, first_id) << s << " s";
  }
  // Once b answers, the key lines carry that same id, and status names the wire.
  ASSERT_TRUE(b.rt->add_peer(spec_for(a, {}, sinks(records())), net.now).ok());
  net.run_until(net.now + 300s);
  ASSERT_GT(exchanged(ra), 0);
  for (const auto& r : *ra) EXPECT_EQ(r.peer_id, first_id);
  EXPECT_EQ(a.rt->status(pb, net.now)->profile, protocol::WireProfile::kV02);
}

// Every InitHello needs a cookie (#17 tests: CookieReplies on every handshake).
class AlwaysUnderLoad final : public protocol::LoadPolicy {
 public:
  bool under_load(protocol::Timestamp) override { return true; }
};

uint8_t type_of(const Datagram& d) {
  return d.bytes.empty() ? 0 : d.bytes[0];
}

// #17: datagrams answering a source that is not a known peer endpoint (CookieReply, RespHello)
// go out with the reply priority (never block, dropped and counted when the socket is busy);
// a peer's own traffic (InitHello to its endpoint and its retransmissions, InitConf,
// EmptyData) with the peer priority.
TEST(RuntimeSim, RepliesToUnknownSourcesHaveReplyPriorityPeerTrafficHasPeerPriority) {
  constexpr uint8_t kInitHello = 0x81, kRespHello = 0x82, kInitConf = 0x83, kEmptyData = 0x84,
                    kCookieReply = 0x86;
  SimNode a(1, {"10.0.0.1:9000"}), b(2, {"10.0.0.2:9000"}, std::make_unique<AlwaysUnderLoad>());
  auto ra = records(), rb = records();
  ASSERT_TRUE(a.rt->add_peer(spec_for(b, {addr("10.0.0.2:9000")}, sinks(ra)), {}).ok());
  ASSERT_TRUE(b.rt->add_peer(spec_for(a, {}, sinks(rb)), {}).ok());  // B: A's address unknown
  Net net({&a, &b});
  int lost = 0;  // A's first two datagrams are lost: A retransmits its InitHello
  net.deliver = [&](int from, const SocketAddress&) { return from != 0 || ++lost > 2; };
  net.run_until(30s);
  ASSERT_EQ(exchanged(ra), 1);
  ASSERT_EQ(exchanged(rb), 1);
  std::map<uint8_t, int> a_types, b_types;
  for (const auto& d : a.sent) {
    ++a_types[type_of(d)];
    EXPECT_EQ(d.priority, Datagram::Priority::kPeer) << int(type_of(d));
  }
  EXPECT_GE(a_types[kInitHello], 3);  // two lost, then one answered with a CookieReply, ...
  EXPECT_GE(a_types[kInitConf], 1);
  for (const auto& d : b.sent) {
    ++b_types[type_of(d)];
    const bool reply = type_of(d) == kCookieReply || type_of(d) == kRespHello;
    EXPECT_EQ(d.priority, reply ? Datagram::Priority::kReply : Datagram::Priority::kPeer)
        << int(type_of(d));
  }
  EXPECT_GE(b_types[kCookieReply], 1);
  EXPECT_GE(b_types[kRespHello], 1);
  EXPECT_GE(b_types[kEmptyData], 1);
  // A's InitHello replayed from an address that is not A's endpoint (B knows it now): the
  // CookieReply to the replaying source is a reply, not A's traffic.
  auto hello = std::find_if(a.sent.begin(), a.sent.end(),
                            [](const Datagram& d) { return d.bytes[0] == kInitHello; });
  ASSERT_NE(hello, a.sent.end());
  Output o = b.rt->handle(0, addr("198.51.100.1:1"), hello->bytes, net.now);
  ASSERT_EQ(o.datagrams.size(), 1u);
  EXPECT_EQ(type_of(o.datagrams[0]), kCookieReply);
  EXPECT_EQ(o.datagrams[0].to, addr("198.51.100.1:1"));
  EXPECT_EQ(o.datagrams[0].priority, Datagram::Priority::kReply);
}

}  // namespace
}  // namespace rosenpass::test
