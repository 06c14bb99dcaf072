// The C functions for servers and peers: argument checks, handle look-ups, conversions.
#include <algorithm>
#include <cstring>
#include <string>

#include "capi_internal.h"
#include "embedded_server.h"
#include "rosenpass/daemon/key_files.h"

namespace rosenpass::capi {
namespace {

std::shared_ptr<EmbeddedServer> find_server(rosenpass_server srv) {
  return servers().find(srv.id);
}

int bad_server(const char* fn) {
  return fail(ROSENPASS_E_HANDLE, std::string(fn) + ": invalid or destroyed server handle");
}

// Resolves "host:port" (DNS may block: never called with a lock held).
int resolve(const char* text, std::vector<daemon::SocketAddress>* out) {
  auto r = daemon::resolve_host_port(text);
  if (!r) return fail(ROSENPASS_E_ADDRESS, r.error().chain());
  *out = std::move(*r);
  return ROSENPASS_OK;
}

// Checks a rosenpass_peer_config and converts it. `need_key`: adding (a public key is
// required) rather than updating (optional, must match).
int convert(const rosenpass_peer_config* c, bool need_key, PeerSettings* out) {
  if (!c) return fail(ROSENPASS_E_ARGUMENT, "peer config is NULL");
  if (c->struct_size != sizeof(rosenpass_peer_config)) {
    return fail(ROSENPASS_E_SIZE, "peer config struct_size is " + std::to_string(c->struct_size) +
                                      ", must be " + std::to_string(sizeof(rosenpass_peer_config)) +
                                      " (call rosenpass_peer_config_init)");
  }
  if (c->public_key && c->public_key_path) {
    return fail(ROSENPASS_E_ARGUMENT, "peer config sets both public_key and public_key_path");
  }
  if (c->public_key) {
    if (c->public_key_len != ROSENPASS_PUBLIC_KEY_SIZE) {
      return fail(ROSENPASS_E_SIZE, "peer public_key_len is " + std::to_string(c->public_key_len) +
                                        ", must be " + std::to_string(ROSENPASS_PUBLIC_KEY_SIZE));
    }
    auto pk = std::make_shared<kem::mceliece460896::PublicKey>();
    std::memcpy(pk->data(), c->public_key, pk->size());
    out->public_key = std::move(pk);
  } else if (c->public_key_path) {
    auto pk = daemon::load_public_key(c->public_key_path);
    if (!pk) return fail(ROSENPASS_E_KEY_FILE, pk.error().chain());
    out->public_key = std::move(*pk);
  } else if (need_key) {
    return fail(ROSENPASS_E_ARGUMENT, "peer config has neither public_key nor public_key_path");
  } else if (c->public_key_len != 0) {
    return fail(ROSENPASS_E_ARGUMENT, "peer config: public_key_len without public_key");
  }
  if (c->psk) {
    if (c->psk_len != ROSENPASS_PSK_SIZE) {
      return fail(ROSENPASS_E_SIZE, "peer psk_len is " + std::to_string(c->psk_len) +
                                        ", must be " + std::to_string(ROSENPASS_PSK_SIZE));
    }
    out->psk = protocol::Psk::from(std::span<const uint8_t, 32>(c->psk, 32));
  } else if (c->psk_len != 0) {
    return fail(ROSENPASS_E_ARGUMENT, "peer config: psk_len without psk");
  }
  if (c->osk_organization) {
    if (c->n_osk_labels && !c->osk_labels) {
      return fail(ROSENPASS_E_ARGUMENT, "peer config: n_osk_labels without osk_labels");
    }
    out->osk.organization = c->osk_organization;
    for (std::size_t i = 0; i < c->n_osk_labels; ++i) {
      if (!c->osk_labels[i]) return fail(ROSENPASS_E_ARGUMENT, "peer config: an osk label is NULL");
      out->osk.labels.emplace_back(c->osk_labels[i]);
    }
  } else if (c->osk_labels || c->n_osk_labels) {
    return fail(ROSENPASS_E_ARGUMENT, "peer config: osk labels need osk_organization");
  }
  switch (c->protocol) {
    case ROSENPASS_PROTOCOL_AUTO: out->profile = protocol::WireProfile::kAuto; break;
    case ROSENPASS_PROTOCOL_V02: out->profile = protocol::WireProfile::kV02; break;
    case ROSENPASS_PROTOCOL_V03: out->profile = protocol::WireProfile::kV03; break;
    case ROSENPASS_PROTOCOL_V02PC: out->profile = protocol::WireProfile::kV02pc; break;
    default:
      return fail(ROSENPASS_E_ARGUMENT, "peer config: unknown protocol " + std::to_string(c->protocol));
  }
  if (c->endpoint) {
    if (int rc = resolve(c->endpoint, &out->endpoints); rc != ROSENPASS_OK) return rc;
  }
  return ROSENPASS_OK;
}

}  // namespace
}  // namespace rosenpass::capi

using namespace rosenpass::capi;  // NOLINT: this file is the C boundary of that namespace

extern "C" {

int rosenpass_server_create(rosenpass_keypair kp, const char* const* listen, size_t n_listen,
                            rosenpass_server* out) {
  return guarded([&] {
    if (!out) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_server_create: `out` is NULL");
    out->id = 0;
    if (n_listen && !listen) {
      return fail(ROSENPASS_E_ARGUMENT, "rosenpass_server_create: n_listen > 0 but listen is NULL");
    }
    auto keys = keypairs().find(kp.id);
    if (!keys) return fail(ROSENPASS_E_HANDLE, "rosenpass_server_create: invalid key pair handle");
    std::vector<rosenpass::daemon::SocketAddress> addrs;
    for (size_t i = 0; i < n_listen; ++i) {
      if (!listen[i]) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_server_create: listen[" +
                                                            std::to_string(i) + "] is NULL");
      auto a = rosenpass::daemon::SocketAddress::parse_literal(listen[i]);
      if (!a) {
        return fail(ROSENPASS_E_ADDRESS, std::string("listen address \"") + listen[i] +
                                             "\" is not IPv4:port or [IPv6]:port");
      }
      addrs.push_back(*a);
    }
    std::shared_ptr<EmbeddedServer> s;
    if (int rc = EmbeddedServer::create(*keys, addrs, &s); rc != ROSENPASS_OK) return rc;
    out->id = servers().add(std::move(s));
    return succeed();
  });
}

int rosenpass_server_destroy(rosenpass_server srv) {
  return guarded([&] {
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_destroy");
    if (s->on_driving_thread()) {
      return fail(ROSENPASS_E_STATE, "rosenpass_server_destroy from inside the server's callback");
    }
    if (!servers().remove(srv.id)) return bad_server("rosenpass_server_destroy");
    s->close();
    return succeed();  // freed when the last concurrent call on it returns
  });
}

int rosenpass_server_listen_address(rosenpass_server srv, size_t index, char* out, size_t out_len) {
  return guarded([&] {
    if (!out) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_server_listen_address: `out` is NULL");
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_listen_address");
    std::string text;
    if (int rc = s->listen_address(index, &text); rc != ROSENPASS_OK) return rc;
    if (text.size() + 1 > out_len) {
      return fail(ROSENPASS_E_SIZE, "rosenpass_server_listen_address: out_len " +
                                        std::to_string(out_len) + " is too small for " + text);
    }
    std::memcpy(out, text.c_str(), text.size() + 1);
    return succeed();
  });
}

void rosenpass_peer_config_init(rosenpass_peer_config* cfg) {
  if (!cfg) return;
  std::memset(cfg, 0, sizeof *cfg);
  cfg->struct_size = sizeof *cfg;
  cfg->protocol = ROSENPASS_PROTOCOL_AUTO;
}

int rosenpass_server_add_peer(rosenpass_server srv, const rosenpass_peer_config* cfg,
                              rosenpass_peer* out) {
  return guarded([&] {
    if (!out) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_server_add_peer: `out` is NULL");
    out->id = 0;
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_add_peer");
    PeerSettings settings;
    if (int rc = convert(cfg, true, &settings); rc != ROSENPASS_OK) return rc;
    return s->add_peer(std::move(settings), &out->id);
  });
}

int rosenpass_server_update_peer(rosenpass_server srv, rosenpass_peer peer,
                                 const rosenpass_peer_config* cfg) {
  return guarded([&] {
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_update_peer");
    PeerSettings settings;
    if (int rc = convert(cfg, false, &settings); rc != ROSENPASS_OK) return rc;
    return s->update_peer(peer.id, std::move(settings));
  });
}

int rosenpass_peer_set_endpoint(rosenpass_server srv, rosenpass_peer peer, const char* endpoint) {
  return guarded([&] {
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_peer_set_endpoint");
    std::vector<rosenpass::daemon::SocketAddress> eps;
    if (endpoint) {
      if (int rc = resolve(endpoint, &eps); rc != ROSENPASS_OK) return rc;
    }
    return s->set_endpoints(peer.id, std::move(eps));
  });
}

int rosenpass_server_remove_peer(rosenpass_server srv, rosenpass_peer peer) {
  return guarded([&] {
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_remove_peer");
    return s->remove_peer(peer.id);
  });
}

int rosenpass_peer_get_status(rosenpass_server srv, rosenpass_peer peer, rosenpass_peer_status* out) {
  return guarded([&] {
    if (!out) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_peer_get_status: `out` is NULL");
    if (out->struct_size != sizeof(rosenpass_peer_status)) {
      return fail(ROSENPASS_E_SIZE, "rosenpass_peer_get_status: struct_size must be " +
                                        std::to_string(sizeof(rosenpass_peer_status)));
    }
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_peer_get_status");
    return s->status(peer.id, out);
  });
}

int rosenpass_server_set_key_callback(rosenpass_server srv, rosenpass_key_fn fn, void* ctx) {
  return guarded([&] {
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_set_key_callback");
    return s->set_key_callback(fn, ctx);
  });
}

int rosenpass_server_next_event(rosenpass_server srv, rosenpass_key_event* out) {
  return guarded([&] {
    if (!out) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_server_next_event: `out` is NULL");
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_next_event");
    return s->next_event(out);
  });
}

int rosenpass_server_wait_event(rosenpass_server srv, int timeout_ms, rosenpass_key_event* out) {
  return guarded([&] {
    if (!out) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_server_wait_event: `out` is NULL");
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_wait_event");
    return s->wait_event(timeout_ms, out);
  });
}

int rosenpass_server_start(rosenpass_server srv) {
  return guarded([&] {
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_start");
    return s->start();
  });
}

int rosenpass_server_stop(rosenpass_server srv) {
  return guarded([&] {
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_stop");
    return s->stop();
  });
}

int rosenpass_server_fd(rosenpass_server srv, int* fd) {
  return guarded([&] {
    if (!fd) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_server_fd: `fd` is NULL");
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_fd");
    *fd = s->fd();
    return succeed();
  });
}

int rosenpass_server_timeout(rosenpass_server srv, int* timeout_ms) {
  return guarded([&] {
    if (!timeout_ms) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_server_timeout: NULL argument");
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_timeout");
    return s->timeout_ms(timeout_ms);
  });
}

int rosenpass_server_process(rosenpass_server srv) {
  return guarded([&] {
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_process");
    return s->process();
  });
}

int rosenpass_server_set_send_callback(rosenpass_server srv, rosenpass_send_fn fn, void* ctx) {
  return guarded([&] {
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_set_send_callback");
    return s->set_send_callback(fn, ctx);
  });
}

int rosenpass_server_feed(rosenpass_server srv, const uint8_t* datagram, size_t len,
                          const struct sockaddr* from, socklen_t from_len) {
  return guarded([&] {
    if (!datagram || !from) return fail(ROSENPASS_E_ARGUMENT, "rosenpass_server_feed: NULL argument");
    if (from_len == 0 || from_len > sizeof(sockaddr_storage)) {
      return fail(ROSENPASS_E_SIZE, "rosenpass_server_feed: bad from_len");
    }
    if (from->sa_family != AF_INET && from->sa_family != AF_INET6) {
      return fail(ROSENPASS_E_ADDRESS, "rosenpass_server_feed: `from` is not IPv4 or IPv6");
    }
    if ((from->sa_family == AF_INET && from_len < sizeof(sockaddr_in)) ||
        (from->sa_family == AF_INET6 && from_len < sizeof(sockaddr_in6))) {
      return fail(ROSENPASS_E_SIZE, "rosenpass_server_feed: from_len too small for its family");
    }
    auto s = find_server(srv);
    if (!s) return bad_server("rosenpass_server_feed");
    return s->feed(std::span(datagram, len),
                   rosenpass::daemon::SocketAddress::from_sockaddr(from, from_len));
  });
}

}  // extern "C"
