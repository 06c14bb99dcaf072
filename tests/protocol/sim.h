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
  explicit Node(uint8_t seed, std::unique_ptr<LoadPolicy> load = make_never_under_load())
      : keys(fake_static_keys(seed)), rng(seed) {
    ServerConfig c;
    c.public_key = keys.pk;
    c.secret_key = std::move(keys.sk);
    c.rng = &rng;
    c.kems = &fake_kems();
    c.load_policy = std::move(load);
    server = std::make_unique<Server>(std::move(c));
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

  void send(int from, std::vector<uint8_t> bytes) {
    log.push_back({from, bytes, now});
    for (Timestamp d : link(from, bytes)) flights_.push_back({now + d, 1 - from, seq_++, bytes});
  }

  void run_until(Timestamp end) {
    for (int guard = 0; guard < 1000000; ++guard) {
      Timestamp t = std::min(wake_[0], wake_[1]);
      for (auto& f : flights_) t = std::min(t, f.at);
      if (t > end) break;
      now = std::max(now, t);
      deliver_due();
      for (int i = 0; i < 2; ++i) {
        if (wake_[i] > now) continue;
        PollResult r = servers_[i]->poll(now);
        for (auto& e : r.events) record(i, e);
        for (auto& d : r.datagrams) send(i, std::move(d.bytes));
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
  };

  void record(int i, const KeyEvent& e) { events[i].push_back({e.kind, hex(e.key.reveal()), now}); }

  void deliver_due() {
    std::sort(flights_.begin(), flights_.end(), [](const Flight& x, const Flight& y) {
      return std::tie(x.at, x.seq) < std::tie(y.at, y.seq);
    });
    while (!flights_.empty() && flights_.front().at <= now) {
      Flight f = std::move(flights_.front());
      flights_.erase(flights_.begin());
      std::array<uint8_t, 1> sender{uint8_t(1 - f.to)};
      HandleResult r = servers_[f.to]->handle(f.bytes, sender, now);
      if (r.event) record(f.to, *r.event);
      if (r.reply) send(f.to, std::move(*r.reply));
      wake_[f.to] = now;  // timers may have changed
    }
  }

  Server* servers_[2];
  Timestamp wake_[2] = {};
  std::vector<Flight> flights_;
  uint64_t seq_ = 0;
};

}  // namespace rosenpass::test
