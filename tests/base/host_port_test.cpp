#include "rosenpass/base/host_port.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace rosenpass::base {
namespace {

TEST(HostPort, AcceptedForms) {
  struct Case {
    const char* text;
    const char* host;
    uint16_t port;
    bool bracketed;
  };
  for (const Case& c : {
           Case{"1.2.3.4:5", "1.2.3.4", 5, false}, Case{"[::1]:9999", "::1", 9999, true},
           Case{"[fe80::1%2]:65535", "fe80::1%2", 65535, true},
           Case{"host.example:0", "host.example", 0, false},
           Case{"localhost:000080", "localhost", 80, false},  // leading zeros
           Case{"::1:51820", "::1", 51820, false},            // split at the last ':'
       }) {
    auto hp = parse_host_port(c.text);
    ASSERT_TRUE(hp.ok()) << c.text << ": " << hp.error().chain();
    EXPECT_EQ(hp->host, c.host) << c.text;
    EXPECT_EQ(hp->port, c.port) << c.text;
    EXPECT_EQ(hp->bracketed, c.bracketed) << c.text;
  }
}

TEST(HostPort, RefusedFormsSayWhyAndNameTheInput) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"1.2.3.4",
                "invalid socket address `1.2.3.4`: no port (expected host:port or "
                "[IPv6]:port)"},
           Case{"", "invalid socket address ``: no port (expected host:port or [IPv6]:port)"},
           Case{"[::1:5", "invalid socket address `[::1:5`: no closing ']'"},
           Case{"[::1]5",
                "invalid socket address `[::1]5`: no port after ']' (expected "
                "[IPv6]:port)"},
           Case{"[::1]",
                "invalid socket address `[::1]`: no port after ']' (expected "
                "[IPv6]:port)"},
           Case{":5", "invalid socket address `:5`: empty host"},
           Case{"[]:5", "invalid socket address `[]:5`: empty host"},
           Case{"a:70000", "invalid port value `70000` in `a:70000` (expected 0-65535)"},
           Case{"a:", "invalid port value `` in `a:` (expected 0-65535)"},
           Case{"a:+5", "invalid port value `+5` in `a:+5` (expected 0-65535)"},
           Case{"a:-1", "invalid port value `-1` in `a:-1` (expected 0-65535)"},
           Case{"a: 5", "invalid port value ` 5` in `a: 5` (expected 0-65535)"},
           Case{"[::1]:0x10", "invalid port value `0x10` in `[::1]:0x10` (expected 0-65535)"},
           Case{"a:99999999999999999999",
                "invalid port value `99999999999999999999` in "
                "`a:99999999999999999999` (expected 0-65535)"},
       }) {
    auto hp = parse_host_port(c.text);
    ASSERT_FALSE(hp.ok()) << c.text;
    EXPECT_EQ(hp.error().message, c.message);
  }
}

TEST(HostPort, IpLiterals) {
  auto v4 = ip_literal(*parse_host_port("192.0.2.7:1"));
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->family, AF_INET);
  EXPECT_EQ(v4->bytes[0], 192);
  EXPECT_EQ(v4->bytes[3], 7);
  auto v6 = ip_literal(*parse_host_port("[fe80::1%3]:1"));
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->family, AF_INET6);
  EXPECT_EQ(v6->bytes[0], 0xfe);
  EXPECT_EQ(v6->bytes[15], 1);
  EXPECT_EQ(v6->scope_id, 3u);
  // Not literals in the socket-address syntax: host names, bare or bracketed IPv4 / names,
  // scope names, short IPv4 forms.
  for (const char* t : {"localhost:1", "::1:1", "[1.2.3.4]:1", "[localhost]:1", "[fe80::1%eth0]:1",
                        "[fe80::1%]:1", "1.2.3:1", "01.2.3.4:1"}) {
    auto hp = parse_host_port(t);
    ASSERT_TRUE(hp.ok()) << t;
    EXPECT_FALSE(ip_literal(*hp)) << t;
  }
}

TEST(HostPort, Port) {
  EXPECT_EQ(parse_port("0"), 0);
  EXPECT_EQ(parse_port("65535"), 65535);
  EXPECT_FALSE(parse_port("65536"));
  EXPECT_FALSE(parse_port(""));
  EXPECT_FALSE(parse_port("5 "));
}

}  // namespace
}  // namespace rosenpass::base
