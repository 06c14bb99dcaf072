#!/usr/bin/env python3
"""Independent recomputation of a handshake our C++ code produced with the stand-in KEMs of
tests/protocol/fake_kems.h (shared key = SHAKE256(key id || ciphertext)[:32]).

No recorded V02 or legacy-wire (V02-pc) handshake exists, so this checks those paths
against protocol.md §4-§7 and §15.4 with a second implementation: Python's BLAKE2b and
the shared/test-vectors/prims.py AEADs.

Usage: crosscheck_transcript.py DIR PROFILE SEED_I SEED_R
DIR holds msg1.bin .. msg4.bin and osk.bin; PROFILE is V02, V03 or V02-pc; the seeds are
the Node seeds of the initiator and responder (public key = SHAKE256(seed byte)).
"""
import hashlib
import os
import sys

DIR, PROFILE, SEED_I, SEED_R = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "data", "test-vectors"))
import prims  # noqa: E402

SHAKE = PROFILE == "V03"
LEGACY = PROFILE == "V02-pc"
PK_LEN = 524160
SCT = 188 if LEGACY else 156

if SHAKE:
    H = prims.kh_shake256
    PROTOCOL = b"Rosenpass v1 mceliece460896 Kyber512 ChaChaPoly1305 SHAKE256"
else:
    H = prims.kh_incorrect_hmac_blake2b
    PROTOCOL = b"Rosenpass v1 mceliece460896 Kyber512 ChaChaPoly1305 BLAKE2s"

failures = 0


def expect(what, got, want):
    global failures
    if got != want:
        failures += 1
        print(f"FAIL {what}\n  got  {got.hex()}\n  want {want.hex()}")
    else:
        print(f"ok   {what}")


def fold(key, *parts):
    for p in parts:
        key = H(key, p)
    return key


PKEY = H(bytes(32), PROTOCOL)


def lhash(*parts):
    return fold(PKEY, *parts)


MIX = lhash(b"chaining key extract", b"mix")
HS_ENC = lhash(b"chaining key extract", b"handshake encryption")
RES_ENC = lhash(b"chaining key extract", b"responder handshake encryption")
OSK_WG = lhash(b"chaining key extract", b"user", b"rosenpass.eu", b"wireguard psk")


def fake_shared(key_id, ct):
    return hashlib.shake_256(key_id + ct).digest(32)


class Chain:
    def __init__(self, start):
        self.ck = start

    def mix(self, *parts):
        for p in parts:
            self.ck = H(H(self.ck, MIX), p)

    def seal(self, pt):
        ct = prims.aead_chacha20poly1305_encrypt(H(self.ck, HS_ENC), bytes(12), pt, b"")
        self.mix(ct)
        return ct


def mac(receiver_pk, m):
    return H(H(lhash(b"mac"), receiver_pk), m[:len(m) - 32])[:16]


def read(name):
    with open(os.path.join(DIR, name), "rb") as f:
        return f.read()


spki = hashlib.shake_256(bytes([SEED_I])).digest(PK_LEN)
spkr = hashlib.shake_256(bytes([SEED_R])).digest(PK_LEN)
psk = bytes([42]) + bytes(31)
m1, m2, m3, m4, osk = (read(n) for n in ("msg1.bin", "msg2.bin", "msg3.bin", "msg4.bin", "osk.bin"))

# InitHello (§7.2; §15.4 offsets on the legacy wire).
expect("InitHello size", len(m1).to_bytes(2, "big"), (1092 if LEGACY else 1060).to_bytes(2, "big"))
sidi, epki, sctr = m1[4:8], m1[8:808], m1[808:808 + SCT]
c = Chain(H(lhash(b"chaining key init"), spkr))
c.mix(sidi, epki)
c.mix(spkr, fake_shared(spkr[:32], sctr), sctr)
pidi = lhash(b"peer id", spki)
body = bytes([0x81, 0, 0, 0]) + sidi + epki + sctr + c.seal(pidi)
c.mix(spki, psk)
body += c.seal(b"")
expect("InitHello payload", m1[:len(body)], body)
expect("InitHello mac", m1[len(body):len(body) + 16], mac(spkr, m1))
if LEGACY:
    expect("InitHello cookie (zero on the legacy wire)", m1[-16:], bytes(16))

# RespHello (§7.3): auth before biscuit on the wire.
expect("RespHello size", len(m2).to_bytes(2, "big"), (1132 if LEGACY else 1100).to_bytes(2, "big"))
sidr, ecti = m2[4:8], m2[12:780]
scti = m2[780:780 + SCT]
auth_at = 780 + SCT
biscuit = m2[auth_at + 16:auth_at + 16 + 116]
expect("RespHello sidi", m2[8:12], sidi)
c.mix(sidr, sidi)
c.mix(epki, fake_shared(epki[:32], ecti), ecti)
c.mix(spki, fake_shared(spki[:32], scti), scti)
c.mix(biscuit)
body = bytes([0x82, 0, 0, 0]) + sidr + sidi + ecti + scti + c.seal(b"") + biscuit
expect("RespHello payload", m2[:len(body)], body)
expect("RespHello mac", m2[len(body):len(body) + 16], mac(spki, m2))
expect("RespHello cookie (zero)", m2[-16:], bytes(16))

# InitConf (§7.4).
c.mix(sidi, sidr)
body = bytes([0x83, 0, 0, 0]) + sidi + sidr + biscuit + c.seal(b"")
expect("InitConf payload", m3[:len(body)], body)
expect("InitConf mac", m3[144:160], mac(spkr, m3))
if LEGACY:
    expect("InitConf cookie (zero on the legacy wire)", m3[-16:], bytes(16))

# Output key and EmptyData (§7.5, §7.6).
expect("osk", osk, H(c.ck, OSK_WG))
txkr = H(c.ck, RES_ENC)
ctr = bytes(8)
body = bytes([0x84, 0, 0, 0]) + sidi + ctr + prims.aead_chacha20poly1305_encrypt(
    txkr, ctr + bytes(4), b"", b"")
expect("EmptyData payload", m4[:32], body)
expect("EmptyData mac", m4[32:48], mac(spki, m4))
expect("EmptyData cookie (zero)", m4[48:], bytes(16))

print("FAILED" if failures else "all checks passed")
sys.exit(1 if failures else 0)
