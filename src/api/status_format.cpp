#include "rosenpass/api/status_format.h"

#include <nlohmann/json.hpp>

#include "rosenpass/crypto/base64.h"

namespace rosenpass::api {
namespace {

std::string reason_name(std::size_t i) {
  auto names = drop_reason_names();
  return i < names.size() ? std::string(names[i]) : "reason " + std::to_string(i);
}

// "bad mac: 3, replayed message: 1"; zero counters are left out.
std::string drops_text(const std::vector<uint64_t>& d) {
  std::string out;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (d[i] == 0) continue;
    out += (out.empty() ? "" : ", ") + reason_name(i) + ": " + std::to_string(d[i]);
  }
  return out;
}

nlohmann::ordered_json drops_json(const std::vector<uint64_t>& d) {
  auto j = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < d.size(); ++i) j[reason_name(i)] = d[i];
  return j;
}

nlohmann::ordered_json seconds_or_null(uint64_t ms) {
  if (ms == UINT64_MAX) return nullptr;
  return static_cast<double>(ms) / 1000.0;
}

}  // namespace

std::string human_duration(uint64_t ms) {
  uint64_t s = ms / 1000;
  struct Unit {
    uint64_t seconds;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
  std::string out;
  for (const auto& u : kUnits) {
    uint64_t n = s / u.seconds;
    s %= u.seconds;
    if (n == 0) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + u.name + (n == 1 ? "" : "s");
  }
  return out.empty() ? "0 seconds" : out;
}

std::string format_status_text(const ListPeersResponse& st) {
  std::string out = "rosenpass: " + std::to_string(st.total) + (st.total == 1 ? " peer" : " peers");
  out += st.has_keypair ? "\n" : ", waiting for its keypair (SupplyKeypair)\n";
  if (auto d = drops_text(st.dropped); !d.empty()) out += "  dropped datagrams: " + d + "\n";
  for (const auto& p : st.peers) {
    out += "\npeer: " + crypto::base64_encode(p.id) + "\n";
    if (!p.endpoint.empty()) {
      out += "  endpoint: " + p.endpoint + (p.endpoint_confirmed ? "\n" : " (not confirmed yet)\n");
    }
    out += "  protocol: ";
    out += p.profile_in_use == ProfileCode::kAuto ? "not negotiated yet"
                                                  : std::string(to_string(p.profile_in_use));
    out += " (configured: " + std::string(to_string(p.configured)) + ")\n";
    if (p.ms_since_key != UINT64_MAX) {
      out += "  latest key exchange: " + human_duration(p.ms_since_key) + " ago\n";
    } else {
      out += "  latest key exchange: none yet\n";
    }
    if (p.ms_to_next_rekey != UINT64_MAX) {
      out += "  next rekey: in " + human_duration(p.ms_to_next_rekey) + "\n";
    }
    out += "  key exchanges: " + std::to_string(p.handshakes_completed) + "\n";
    std::string outputs;
    if (p.has_key_out) outputs += "key file";
    if (p.has_wireguard) outputs += std::string(outputs.empty() ? "" : ", ") + "WireGuard";
    if (!outputs.empty()) out += "  key output: " + outputs + "\n";
    if (p.has_psk) out += "  preshared key: (hidden)\n";
    if (auto d = drops_text(p.dropped); !d.empty()) out += "  dropped datagrams: " + d + "\n";
  }
  return out;
}

std::string format_status_json(const ListPeersResponse& st) {
  nlohmann::ordered_json j;
  j["has_keypair"] = st.has_keypair;
  j["peer_count"] = st.total;
  j["dropped"] = drops_json(st.dropped);
  auto peers = nlohmann::ordered_json::array();
  for (const auto& p : st.peers) {
    nlohmann::ordered_json q;
    q["peer_id"] = crypto::base64_encode(p.id);
    q["endpoint"] =
        p.endpoint.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.endpoint);
    q["endpoint_confirmed"] = p.endpoint_confirmed;
    q["protocol"] = p.profile_in_use == ProfileCode::kAuto
                        ? nlohmann::ordered_json(nullptr)
                        : nlohmann::ordered_json(to_string(p.profile_in_use));
    q["configured_protocol"] = to_string(p.configured);
    q["seconds_since_key"] = seconds_or_null(p.ms_since_key);
    q["seconds_to_next_rekey"] = seconds_or_null(p.ms_to_next_rekey);
    q["handshakes_completed"] = p.handshakes_completed;
    q["dropped"] = drops_json(p.dropped);
    q["key_out"] = p.has_key_out;
    q["wireguard"] = p.has_wireguard;
    q["psk"] = p.has_psk;
    peers.push_back(std::move(q));
  }
  j["peers"] = std::move(peers);
  return j.dump(2) + "\n";
}

}  // namespace rosenpass::api
