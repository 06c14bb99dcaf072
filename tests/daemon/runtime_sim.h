// An in-memory network of daemon::Runtimes (no processes, no sockets): each node has one
// address per listener; datagrams are routed by destination address after a latency, and a
// filter can drop them. A node's source address can be rewritten (NAT, roaming).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../crypto/test_util.h"
#include "../protocol/fake_kems.h"
#include "rosenpass/daemon/runtime.h"

namespace rosenpass::test {

using namespace std::chrono_literals;
using daemon::Datagram;
using daemon::Output;
using daemon::PeerRef;
using daemon::PeerSpec;
using daemon::Runtime;
using daemon::RuntimeEvent;
using daemon::SocketAddress;

inline SocketAddress addr(const std::string& text) {
  auto a = SocketAddress::parse_literal(text);
  EXPECT_TRUE(a.has_value()) << text;
  return *a;
}

// What a sink saw: kind, key (hex) and peer id.
struct SinkRecord {
  base::KeyKind kind;
  std::string key;
  std::string peer_id;
};

// Records every key; installs it unless a test names a `failure`.
class RecordingSink final : public base::KeySink {
 public:
  explicit RecordingSink(std::shared_ptr<std::vector<SinkRecord>> log,
                         std::optional<base::SinkErrorKind> failure = std::nullopt)
      : log_(std::move(log)), failure_(failure) {}
  base::SinkStatus install(const base::KeyUpdate& u) override {
    log_->push_back({u.kind, hex(u.key.reveal()), std::string(u.peer_id)});
    if (failure_ == base::SinkErrorKind::kRejected) return base::SinkError::rejected("no thanks");
    if (failure_ == base::SinkErrorKind::kFailed) return base::SinkError::failed("disk full");
    return base::Ok{};
  }

 private:
  std::shared_ptr<std::vector<SinkRecord>> log_;
  std::optional<base::SinkErrorKind> failure_;
};

struct SimNode {
  // `load_policy`: null = never under load.
  SimNode(uint8_t seed, std::vector<std::string> addresses,
          std::unique_ptr<protocol::LoadPolicy> load_policy = nullptr)
      : keys(fake_static_keys(seed)), rng(seed) {
    daemon::RuntimeConfig rc{keys.pk, std::move(keys.sk), {}};
    for (const auto& a : addresses) {
      addrs.push_back(addr(a));
      rc.options.listeners.push_back({addrs.back().family(), false});
    }
    rc.options.rng = &rng;
    rc.options.kems = &fake_kems();
    rc.options.load_policy = load_policy ? std::move(load_policy) : protocol::make_never_under_load();
    rc.options.report_drops = true;
    auto r = Runtime::create(std::move(rc));
    EXPECT_TRUE(r.ok());
    rt = std::move(*r);
  }
  FakeStaticKeys keys;
  SeededRandom rng;
  std::unique_ptr<Runtime> rt;
  std::vector<SocketAddress> addrs;  // per listener: where it receives
  std::vector<std::pair<protocol::Timestamp, RuntimeEvent>> events;
  std::vector<Datagram> sent;
  protocol::Timestamp wake{};
  std::optional<SocketAddress> source_override;  // NAT: what receivers see as our address

  int count(RuntimeEvent::Kind k) const {
    return int(std::count_if(events.begin(), events.end(),
                             [&](const auto& e) { return e.second.kind == k; }));
  }
};

// A peer spec for `to` with PSK byte `psk`, endpoints and sinks.
inline PeerSpec spec_for(const SimNode& to, std::vector<SocketAddress> endpoints,
                         std::vector<std::unique_ptr<base::KeySink>> sinks = {}, uint8_t psk = 42) {
  PeerSpec s;
  s.public_key = to.keys.pk;
  s.psk = protocol::Psk();
  s.psk->reveal_mut()[0] = psk;
  s.endpoints = std::move(endpoints);
  s.sinks = std::move(sinks);
  s.name = "peer";
  return s;
}

class Net {
 public:
  explicit Net(std::vector<SimNode*> nodes) : nodes_(std::move(nodes)) {}

  // Decides whether a datagram from node `from` to address `to` is delivered.
  std::function<bool(int from, const SocketAddress& to)> deliver = [](int, const SocketAddress&) {
    return true;
  };
  protocol::Timestamp now{};
  std::vector<std::pair<SocketAddress, std::vector<uint8_t>>> wire;  // every datagram sent

  void run_until(protocol::Timestamp end) {
    for (int guard = 0; guard < 2000000; ++guard) {
      protocol::Timestamp t = protocol::Timestamp::max();
      for (auto* n : nodes_) t = std::min(t, n->wake);
      for (auto& f : flights_) t = std::min(t, f.at);
      if (t > end) break;
      now = std::max(now, t);
      deliver_due();
      for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (nodes_[i]->wake > now) continue;
        Output o = nodes_[i]->rt->poll(now);
        nodes_[i]->wake = std::max(o.next_wakeup, now + 1ms);
        apply(int(i), std::move(o));
      }
    }
    now = end;
  }

  // Wakes a node now (after add/update/remove).
  void poke(SimNode& n) { n.wake = now; }

 private:
  struct Flight {
    protocol::Timestamp at;
    uint64_t seq;
    SocketAddress from, to;
    std::vector<uint8_t> bytes;
  };

  void apply(int i, Output o) {
    SimNode& n = *nodes_[i];
    for (auto& e : o.events) n.events.push_back({now, e});
    for (auto& d : o.datagrams) {
      n.sent.push_back(d);
      wire.push_back({d.to, d.bytes});
      SocketAddress from = n.source_override ? *n.source_override : n.addrs[d.listener];
      if (deliver(i, d.to)) flights_.push_back({now + 1ms, seq_++, from, d.to, d.bytes});
    }
  }

  void deliver_due() {
    std::sort(flights_.begin(), flights_.end(),
              [](const Flight& a, const Flight& b) { return std::tie(a.at, a.seq) < std::tie(b.at, b.seq); });
    while (!flights_.empty() && flights_.front().at <= now) {
      Flight f = std::move(flights_.front());
      flights_.erase(flights_.begin());
      for (std::size_t i = 0; i < nodes_.size(); ++i) {
        SimNode& n = *nodes_[i];
        for (std::size_t l = 0; l < n.addrs.size(); ++l) {
          const bool mine = n.addrs[l] == f.to || (n.source_override && *n.source_override == f.to && l == 0);
          if (!mine) continue;
          apply(int(i), n.rt->handle(l, f.from, f.bytes, now));
          n.wake = now;
        }
      }
    }
  }

  std::vector<SimNode*> nodes_;
  std::vector<Flight> flights_;
  uint64_t seq_ = 0;
};

}  // namespace rosenpass::test
