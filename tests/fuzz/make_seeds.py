#!/usr/bin/env python3
"""Writes the seed corpora in tests/fuzz/corpus/<target>/ (committed; rerun after a format
change). Seeds are small valid inputs, so the fuzzers start from deep inside each parser."""
import base64, os, struct

HERE = os.path.dirname(os.path.abspath(__file__))

def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

# rosenpass TOML configs
put("fuzz_config_toml", "typical.toml", '''public_key = "/var/secrets/self.pk"
secret_key = "~/self.sk"
listen = ["[::]:51821", "127.0.0.1:9999"]
verbosity = "Verbose"
user = "rosenpass"

[api]
listen_path = ["/run/rp/api.sock"]
listen_fd = []
stream_fd = [3]

[[peers]]
public_key = "/var/secrets/peer.pk"
endpoint = "peer.example:51821"
pre_shared_key = "/var/secrets/psk"
key_out = "/root/peer.osk"
protocol_version = "V02-pc"
osk_organization = "org"
osk_label = ["a", "b"]

[[peers]]
public_key = "p2.pk"
device = "wg0"
peer = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
extra_params = ["allowed-ips", "10.0.0.2/32", "persistent-keepalive", "25"]
exchange_command = []
''')
put("fuzz_config_toml", "minimal.toml", 'listen = []\npeers = []\n')
put("fuzz_config_toml", "inline.toml",
    'listen = []\npeers = [{public_key = "a", key_out = "b", protocol_version = "auto"}]\n'
    'a.b = 1\n"q.k" = \'\'\'multi\nline\'\'\'\n')

# rp exchange-config
put("fuzz_rp_config", "example.toml", '''dev = "rp-example"
ip = "fc00::1/64"
listen = "[::]:51821"
private_keys_dir = "/run/credentials/rp@example.service"
verbose = true

[[peers]]
public_keys_dir = "/etc/rosenpass/example/peers/client"
endpoint = "192.0.2.1:51821"
persistent_keepalive = 25
allowed_ips = "fc00::2"
protocol_version = "V03"
''')

# key files: PSKs in several spellings, and both secret-key sizes (zeros: no secret)
psk = base64.b64encode(bytes(range(32))).decode()
put("fuzz_key_files", "psk", psk)
put("fuzz_key_files", "psk-newline", psk + "\n")
put("fuzz_key_files", "psk-crlf-spaces", psk + " \t\r\n")
put("fuzz_key_files", "sk-current", bytes(13608))
put("fuzz_key_files", "sk-legacy", bytes(13568))

# base64
for i, s in enumerate([psk, "", "QQ==", "QUI=", "QUJD", "QQ", "Q===", "QR==", "AAAA\n"]):
    put("fuzz_base64", "b%d" % i, s)

# host:port (base::parse_host_port): accepted and refused forms
for i, s in enumerate(["1.2.3.4:5", "[::1]:9999", "[fe80::1%2]:65535", "host.example:51820",
                       "::1:51820", "[::1", ":5", "a:70000"]):
    put("fuzz_host_port", "seed%d" % i, s)

# rosenpass exchange words (NUL-separated)
def words(*w): return "\0".join(w)
put("fuzz_exchange_grammar", "two-peers", words(
    "public-key", "/k/self.pk", "secret-key", "/k/self.sk", "listen", "0.0.0.0:9999",
    "listen", "[::]:9999", "verbose", "peer", "public-key", "/k/p1.pk", "endpoint",
    "192.0.2.1:9999", "preshared-key", "/k/psk", "outfile", "/tmp/o1", "peer", "public-key",
    "/k/p2.pk", "wireguard", "wg0", psk, "allowed-ips", "10.0.0.2/32", "protocol-version",
    "V03"))
put("fuzz_exchange_grammar", "osk", words(
    "public-key", "a", "secret-key", "b", "peer", "public-key", "c", "outfile", "d",
    "osk-organization", "org", "osk-label", "x"))

# rp command lines
put("fuzz_rp_exchange_grammar", "exchange", words(
    "exchange", "/k/self", "dev", "rp0", "ip", "fc00::1/64", "listen", "[::]:9999", "peer",
    "/k/peer", "endpoint", "192.0.2.1:9999", "persistent-keepalive", "25", "allowed-ips",
    "fc00::2", "protocol-version", "V02"))
put("fuzz_rp_exchange_grammar", "genkey", words("-v", "genkey", "/k/self"))
put("fuzz_rp_exchange_grammar", "pubkey", words("pubkey", "/k/self", "/k/self.pub"))
put("fuzz_rp_exchange_grammar", "exchange-config", words("exchange-config", "/etc/rp.toml"))

# broker frames: [chunk size byte] then 8-byte little-endian length + payload
def frame(payload): return struct.pack("<Q", len(payload)) + payload
iface = b"wg0"
req = struct.pack("<I", 1) + bytes(range(32)) + bytes(range(32, 64)) + bytes([len(iface)]) + \
    iface + bytes(255 - len(iface))
put("fuzz_broker_frames", "request", b"\x07" + frame(req))
put("fuzz_broker_frames", "two-requests", b"\xff" + frame(req) + frame(req))
for code in range(4):
    put("fuzz_broker_frames", "response%d" % code, b"\x03" + frame(struct.pack("<IB", 1, code)))

# netlink: [u16 length] + message, repeated (see fuzz_netlink.cpp)
NLA_F_NESTED = 0x8000
def nla(t, payload):
    n = 4 + len(payload)
    return struct.pack("<HH", n, t) + payload + bytes((4 - n % 4) % 4)
def nlmsg(family, cmd, attrs, flags=2):
    body = struct.pack("<BBH", cmd, 1, 0) + attrs
    return struct.pack("<IHHII", 16 + len(body), family, flags, 1, 0) + body
family_reply = nlmsg(0x10, 1, nla(2, b"wireguard\0") + nla(1, struct.pack("<H", 0x1d)))
allowed = nla(NLA_F_NESTED | 0, nla(1, struct.pack("<H", 2)) + nla(2, bytes([10, 0, 0, 2])) +
              nla(3, bytes([32])))
allowed6 = nla(NLA_F_NESTED | 0, nla(1, struct.pack("<H", 10)) + nla(2, bytes(16)) +
               nla(3, bytes([128])))
peer = nla(NLA_F_NESTED | 0, nla(1, bytes(range(32))) + nla(2, bytes(32)) +
           nla(4, struct.pack(">HH", 2, 51820) + bytes([192, 0, 2, 1]) + bytes(8)) +
           nla(5, struct.pack("<H", 25)) + nla(NLA_F_NESTED | 9, allowed + allowed6))
dev = nlmsg(0x1d, 0, nla(1, struct.pack("<I", 5)) + nla(2, b"wg0\0") +
            nla(4, bytes(range(32, 64))) + nla(6, struct.pack("<H", 51820)) +
            nla(NLA_F_NESTED | 8, peer + peer))
def seq(*msgs): return b"".join(struct.pack("<H", len(m)) + m for m in msgs)
put("fuzz_netlink", "family", family_reply)
put("fuzz_netlink", "device", seq(dev))
put("fuzz_netlink", "device-split", seq(dev, dev))

# UAPI get=1 reply
hexkey = bytes(range(32)).hex()
put("fuzz_uapi", "reply", "private_key=%s\nlisten_port=51820\nfwmark=0\npublic_key=%s\n"
    "preshared_key=%s\nprotocol_version=1\nendpoint=192.0.2.1:51820\nlast_handshake_time_sec=0\n"
    "last_handshake_time_nsec=0\ntx_bytes=0\nrx_bytes=0\npersistent_keepalive_interval=25\n"
    "allowed_ip=10.0.0.2/32\nallowed_ip=fc00::2/128\nerrno=0\n\n" % (hexkey, hexkey, "00" * 32))
put("fuzz_uapi", "error", "errno=19\n\n")
