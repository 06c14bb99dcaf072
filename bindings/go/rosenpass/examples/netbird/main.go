// NetBird's flow with librosenpass: each agent starts a Rosenpass server next to WireGuard,
// learns peers' public keys from the signalling service and adds them without endpoint,
// sets the endpoint once the WireGuard tunnel is up, installs each key it receives as the
// peer's WireGuard PSK, and removes peers that leave. Two agents run in this process here.
//
//	go run ./examples/netbird            (generates key pairs)
//	go run ./examples/netbird -keys-a DIR -keys-b DIR   (rp genkey directories)
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"log"
	"time"

	"rosenpass.eu/cpp/rosenpass"
)

type agent struct {
	name   string
	keys   *rosenpass.KeyPair
	server *rosenpass.Server
}

func newAgent(name, dir string) *agent {
	var kp *rosenpass.KeyPair
	var err error
	if dir != "" {
		kp, err = rosenpass.LoadKeyPairDir(dir)
	} else {
		kp, err = rosenpass.GenerateKeyPair()
	}
	if err != nil {
		log.Fatal(err)
	}
	// 1. Start: our key pair and a listen address.
	s, err := rosenpass.NewServer(kp, []string{"127.0.0.1:0"})
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Start(); err != nil {
		log.Fatal(err)
	}
	return &agent{name: name, keys: kp, server: s}
}

// installPSK stands in for configuring the WireGuard peer (with a remove-and-re-add of the
// peer so that the next WireGuard handshake uses the new PSK at once).
func (a *agent) installPSK(ev rosenpass.KeyEvent) {
	fp := sha256.Sum256(ev.Key[:])
	fmt.Printf("%s: %s key for peer, installing as WireGuard PSK (fingerprint %x)\n", a.name,
		map[rosenpass.KeyKind]string{rosenpass.KeyExchanged: "exchanged", rosenpass.KeyStale: "stale"}[ev.Kind], fp[:4])
	for i := range ev.Key {
		ev.Key[i] = 0
	}
}

func main() {
	keysA := flag.String("keys-a", "", "rp key directory of agent a (default: generate)")
	keysB := flag.String("keys-b", "", "rp key directory of agent b (default: generate)")
	flag.Parse()

	a, b := newAgent("a", *keysA), newAgent("b", *keysB)
	defer a.server.Close()
	defer b.server.Close()

	// 2. The signalling service exchanged public keys: add the peers, no endpoints yet.
	pkA, err := a.keys.PublicKey()
	if err != nil {
		log.Fatal(err)
	}
	pkB, err := b.keys.PublicKey()
	if err != nil {
		log.Fatal(err)
	}
	bAtA, err := a.server.AddPeer(rosenpass.PeerConfig{PublicKey: pkB})
	if err != nil {
		log.Fatal(err)
	}
	aAtB, err := b.server.AddPeer(rosenpass.PeerConfig{PublicKey: pkA})
	if err != nil {
		log.Fatal(err)
	}

	// 3. The WireGuard connection is up: a reaches b (NetBird uses b's tunnel address).
	addrB, err := b.server.ListenAddr(0)
	if err != nil {
		log.Fatal(err)
	}
	if err := a.server.SetEndpoint(bAtA, addrB); err != nil {
		log.Fatal(err)
	}

	// 4. Keys arrive on the channels; install each.
	var keyA, keyB [rosenpass.KeySize]byte
	for got := 0; got < 2; {
		select {
		case ev := <-a.server.Keys():
			keyA = ev.Key
			a.installPSK(ev)
			got++
		case ev := <-b.server.Keys():
			keyB = ev.Key
			b.installPSK(ev)
			got++
		case <-time.After(2 * time.Minute):
			log.Fatal("no key within two minutes")
		}
	}
	if keyA != keyB {
		log.Fatal("the agents hold different keys")
	}
	st, err := a.server.Status(bAtA)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("a: peer at %s, %d key(s) exchanged; both agents hold the same PSK\n", st.Endpoint, st.KeysExchanged)

	// 5. The peer leaves the network.
	if err := a.server.RemovePeer(bAtA); err != nil {
		log.Fatal(err)
	}
	if err := b.server.RemovePeer(aAtB); err != nil {
		log.Fatal(err)
	}
	fmt.Println("peers removed")
}
