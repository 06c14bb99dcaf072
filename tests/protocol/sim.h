// An in-memory network of two servers with controllable time and a link that can drop,
// duplicate, delay and reorder datagrams.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "../crypto/test_util.h"
#include "fake_kems.h"

namespace rosenpass::test {

using namespace std::chrono_literals;

struct Node {
  explicit Node(uint8_t seed, std::unique_ptr<LoadPolicy> load = make_never_under_load(),
                uint64_t rng_seed = 0)
      : keys(fake_static_keys(seed)), rng(rng_seed ? rng_seed : seed) {
    ServerConfig c;
    c.public_key = keys.pk;
    c.secret_key = std::move(keys.sk);
    c.rng = &rng;
    c.kems = &fake_kems();
    c.load_policy = std::move(load);
    server = Server::create(std::move(c));
  }
  FakeStaticKeys keys;
  SeededRandom rng;
  std::unique_ptr<Server> server;
};

inline PeerHandle connect(Node& from, const Node& to, WireProfile profile, bool may_initiate,
                          std::optional<OskDomain> osk = std::nullopt) {
  PeerConfig pc;
  pc.public_key = to.keys.pk;
  pc.psk = Psk();
  pc.psk->reveal_mut()[0] = 42;  // both sides configure the same psk
  pc.profile = profile;
  pc.may_initiate = may_initiate;
  if (osk) pc.osk = *osk;
  auto h = from.server->add_peer(std::move(pc));
  EXPECT_TRUE(h.has_value());
  return *h;
}

struct Recorded {
  KeyEvent::Kind kind;
  std::string key;
  Timestamp at;
};

struct Sent {
  int from;
  std::vector<uint8_t> bytes;
  Timestamp at;
};

class Sim {
 public:
  // Decides the fate of one datagram: the delays after which copies arrive (none = dropped).
  using Link = std::function<std::vector<Timestamp>(int from, const std::vector<uint8_t>& msg)>;

  Sim(Server& a, Server& b) : servers_{&a, &b} {}

  Link link = [](int, const std::vector<uint8_t>&) { return std::vector<Timestamp>{1ms}; };
  std::vector<Recorded> events[2];
  std::vector<Sent> log;  // every datagram put on the wire
  Timestamp now{};
  // A node does nothing before its start (datagrams to it are lost, it does not poll).
  Timestamp start[2] = {};
  // Endpoints: what a node sends from poll() reaches the peer only while its endpoint for
  // the peer is right. Replies always go back to the sender. An authenticated message moves
  // the endpoint to its sender (the daemon's roaming rule): right if it came from the peer.
  bool endpoint_ok[2] = {true, true};
  int replies_to_attacker = 0;
  static constexpr int kAttacker = 9;
  // Called right after node `i` emitted a key event (its state is the one that printed it).
  std::function<void(int i, KeyEvent::Kind kind)> on_event;

  void send(int from, std::vector<uint8_t> bytes) { transmit(from, std::move(bytes), true); }
  // A datagram from an attacker's address to node `to` (its replies are counted, not sent).
  void inject(int to, std::vector<uint8_t> bytes, Timestamp delay = 0ms) {
    flights_.push_back({now + delay, to, seq_++, std::move(bytes), kAttacker});
  }

  void run_until(Timestamp end) {
    for (int guard = 0; guard < 1000000; ++guard) {
      Timestamp t = std::min(std::max(wake_[0], start[0]), std::max(wake_[1], start[1]));
      for (auto& f : flights_) t = std::min(t, f.at);
      if (t > end) break;
      now = std::max(now, t);
      deliver_due();
      for (int i = 0; i < 2; ++i) {
        if (wake_[i] > now || now < start[i]) continue;
        PollResult r = servers_[i]->poll(now);
        for (auto& e : r.events) record(i, e);
        for (auto& d : r.datagrams) transmit(i, std::move(d.bytes), endpoint_ok[i]);
        wake_[i] = std::max(r.next_wakeup, now + 1ms);
      }
    }
    now = end;
  }

  std::string last_key(int i) const { return events[i].empty() ? "" : events[i].back().key; }
  int count(int i, KeyEvent::Kind k) const {
    return int(std::count_if(events[i].begin(), events[i].end(),
                             [&](const Recorded& r) { return r.kind == k; }));
  }

 private:
  struct Flight {
    Timestamp at;
    int to;
    uint64_t seq;
    std::vector<uint8_t> bytes;
    int from = 0;  // node index, or kAttacker
  };

  void transmit(int from, std::vector<uint8_t> bytes, bool arrives) {
    log.push_back({from, bytes, now});
    if (!arrives) return;
    for (Timestamp d : link(from, bytes)) {
      flights_.push_back({now + d, 1 - from, seq_++, bytes, from});
    }
  }

  void record(int i, const KeyEvent& e) {
    events[i].push_back({e.kind, hex(e.key.reveal()), now});
    if (on_event) on_event(i, e.kind);
  }

  void deliver_due() {
    std::sort(flights_.begin(), flights_.end(), [](const Flight& x, const Flight& y) {
      return std::tie(x.at, x.seq) < std::tie(y.at, y.seq);
    });
    while (!flights_.empty() && flights_.front().at <= now) {
      Flight f = std::move(flights_.front());
      flights_.erase(flights_.begin());
      if (now < start[f.to]) continue;  // not running yet: lost
      std::array<uint8_t, 1> sender{uint8_t(f.from)};
      HandleResult r = servers_[f.to]->handle(f.bytes, sender, now);
      if (r.event) record(f.to, *r.event);
      if (r.authenticated_peer) endpoint_ok[f.to] = f.from != kAttacker;
      if (r.reply) {
        if (f.from == kAttacker) {
          ++replies_to_attacker;
        } else {
          send(f.to, std::move(*r.reply));
        }
      }
      wake_[f.to] = now;  // timers may have changed
    }
  }

  Server* servers_[2];
  Timestamp wake_[2] = {};
  std::vector<Flight> flights_;
  uint64_t seq_ = 0;
};

}  // namespace rosenpass::test
