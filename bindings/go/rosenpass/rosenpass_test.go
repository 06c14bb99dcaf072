package rosenpass

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testData is tests/data/test-vectors of this repository (two recorded key pairs).
func testData(t *testing.T) string {
	d := os.Getenv("RP_TEST_DATA")
	if d == "" {
		d = "../../../tests/data/test-vectors"
	}
	abs, err := filepath.Abs(d)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func loadPair(t *testing.T, which string) *KeyPair {
	d := testData(t)
	kp, err := LoadKeyPair(filepath.Join(d, "peer_"+which+"_sk.bin"), filepath.Join(d, "peer_"+which+"_pk.bin"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kp.Close() })
	return kp
}

func publicKey(t *testing.T, kp *KeyPair) []byte {
	pk, err := kp.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(pk) != PublicKeySize {
		t.Fatalf("public key has %d bytes", len(pk))
	}
	return pk
}

func nextKey(t *testing.T, s *Server, within time.Duration) KeyEvent {
	select {
	case k, ok := <-s.Keys():
		if !ok {
			t.Fatal("key channel closed")
		}
		return k
	case <-time.After(within):
		t.Fatal("no key event in time")
	}
	return KeyEvent{}
}

// Two in-process servers key with each other in NetBird's order: peers added without
// endpoints, one endpoint set later; both get the same key; removal stops the peer.
func TestTwoInstancesKey(t *testing.T) {
	ka, kb := loadPair(t, "a"), loadPair(t, "b")
	a, err := NewServer(ka, []string{"127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := NewServer(kb, []string{"127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	bAtA, err := a.AddPeer(PeerConfig{PublicKey: publicKey(t, kb)})
	if err != nil {
		t.Fatal(err)
	}
	aAtB, err := b.AddPeer(PeerConfig{PublicKey: publicKey(t, ka)})
	if err != nil {
		t.Fatal(err)
	}
	addrB, err := b.ListenAddr(0)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetEndpoint(bAtA, addrB); err != nil {
		t.Fatal(err)
	}
	ea, eb := nextKey(t, a, 2*time.Minute), nextKey(t, b, 2*time.Minute)
	if ea.Kind != KeyExchanged || eb.Kind != KeyExchanged || ea.Peer != bAtA || eb.Peer != aAtB {
		t.Fatalf("unexpected events %+v %+v", ea.Peer, eb.Peer)
	}
	if ea.Key != eb.Key || ea.Key == [KeySize]byte{} {
		t.Fatal("the two sides hold different (or zero) keys")
	}
	st, err := a.Status(bAtA)
	if err != nil {
		t.Fatal(err)
	}
	if !st.HasKey || st.KeysExchanged < 1 || st.Endpoint != addrB || st.LastKeyAge < 0 {
		t.Fatalf("status %+v", st)
	}
	if err := a.RemovePeer(bAtA); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Status(bAtA); !errors.Is(err, ErrHandle) {
		t.Fatalf("status of a removed peer: %v", err)
	}
}

// Errors are Go errors carrying the code and the library's message.
func TestErrors(t *testing.T) {
	_, err := LoadKeyPair("/nonexistent/sk", "/nonexistent/pk")
	if !errors.Is(err, ErrKeyFile) || !strings.Contains(err.Error(), "/nonexistent/sk") {
		t.Fatalf("missing key file: %v", err)
	}
	kp := loadPair(t, "a")
	if _, err := NewServer(kp, []string{"not-an-address"}); !errors.Is(err, ErrAddress) {
		t.Fatalf("bad listen address: %v", err)
	}
	s, err := NewServer(kp, []string{"127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPeer(PeerConfig{PublicKey: []byte{1, 2, 3}}); !errors.Is(err, ErrSize) {
		t.Fatalf("short public key: %v", err)
	}
	if _, err := s.AddPeer(PeerConfig{PublicKey: publicKey(t, kp), PSK: make([]byte, 7)}); !errors.Is(err, ErrSize) {
		t.Fatalf("short PSK: %v", err)
	}
	p, err := s.AddPeer(PeerConfig{PublicKey: publicKey(t, kp), OSKOrganization: "org", OSKLabels: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPeer(PeerConfig{PublicKey: publicKey(t, kp)}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate: %v", err)
	}
	if err := s.SetEndpoint(p, "no port"); !errors.Is(err, ErrAddress) {
		t.Fatalf("bad endpoint: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); !errors.Is(err, ErrHandle) {
		t.Fatalf("double close: %v", err)
	}
	if err := s.SetEndpoint(p, ""); !errors.Is(err, ErrHandle) {
		t.Fatalf("after close: %v", err)
	}
}

// A Go instance keys with the `rosenpass` daemon over loopback (ROSENPASS_BIN): the daemon
// writes the key to its key_out file; the Go side receives the same key.
func TestKeysWithDaemon(t *testing.T) {
	bin := os.Getenv("ROSENPASS_BIN")
	if bin == "" {
		t.Skip("ROSENPASS_BIN not set")
	}
	d := testData(t)
	ka := loadPair(t, "a")
	s, err := NewServer(ka, []string{"127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPeer(PeerConfig{PublicKeyPath: filepath.Join(d, "peer_b_pk.bin")}); err != nil {
		t.Fatal(err)
	}
	addr, err := s.ListenAddr(0)
	if err != nil {
		t.Fatal(err)
	}
	keyOut := filepath.Join(t.TempDir(), "daemon.key")
	cmd := exec.Command(bin, "exchange",
		"secret-key", filepath.Join(d, "peer_b_sk.bin"), "public-key", filepath.Join(d, "peer_b_pk.bin"),
		"listen", "127.0.0.1:0",
		"peer", "public-key", filepath.Join(d, "peer_a_pk.bin"), "endpoint", addr, "outfile", keyOut)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt) // by PID
		cmd.Wait()
	}()
	ev := nextKey(t, s, 2*time.Minute)
	if ev.Kind != KeyExchanged {
		t.Fatalf("kind %v", ev.Kind)
	}
	want := base64.StdEncoding.EncodeToString(ev.Key[:])
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, _ := os.ReadFile(keyOut)
		if string(got) == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("daemon key file %q, Go key %q; daemon stderr:\n%s", got, want, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
