package rosenpass

/*
#include <stdlib.h>
#include <string.h>
#include <rosenpass/rosenpass.h>
*/
import "C"

import (
	"errors"
	"sync"
	"time"
	"unsafe"
)

// Protocol is the wire a peer speaks (protocol.md §2.1).
type Protocol int

const (
	ProtocolAuto  Protocol = C.ROSENPASS_PROTOCOL_AUTO  // answer all; initiate V02, V02-pc, V03 in turn
	ProtocolV02   Protocol = C.ROSENPASS_PROTOCOL_V02   // BLAKE2b keyed hash (the reference's default)
	ProtocolV03   Protocol = C.ROSENPASS_PROTOCOL_V03   // SHAKE256 keyed hash
	ProtocolV02PC Protocol = C.ROSENPASS_PROTOCOL_V02PC // Rust v0.2.x / go-rosenpass wire
)

// PeerConfig describes a peer. Exactly one of PublicKey and PublicKeyPath is set when
// adding; in updates both may be empty (the key cannot change).
type PeerConfig struct {
	PublicKey       []byte   // PublicKeySize bytes
	PublicKeyPath   string   // a 524,160-byte public-key file (e.g. an rp pqpk)
	Endpoint        string   // "host:port"; empty = not known yet (responder until it is)
	PSK             []byte   // PSKSize bytes, or nil
	OSKOrganization string   // output-key domain (§11); empty = the WireGuard PSK domain
	OSKLabels       []string // with OSKOrganization
	Protocol        Protocol
}

// Peer names a peer of one Server.
type Peer struct{ id uint64 }

// KeyKind says what a key event means.
type KeyKind int

const (
	KeyExchanged KeyKind = C.ROSENPASS_KEY_EXCHANGED // a handshake completed: install Key
	KeyStale     KeyKind = C.ROSENPASS_KEY_STALE     // no fresh key for 180 s: Key is random, install it instead
)

// KeyEvent is a key for a peer, typically to install as its WireGuard pre-shared key. Key is
// a secret: overwrite it once installed.
type KeyEvent struct {
	Peer Peer
	Kind KeyKind
	Key  [KeySize]byte
}

// PeerStatus is what the library knows about a peer.
type PeerStatus struct {
	PeerID        [PeerIDSize]byte
	Protocol      Protocol
	HasKey        bool          // the last event was an exchanged (not stale) key
	KeysExchanged uint64        // exchanged-key events so far
	KeysStale     uint64        // stale-key events so far
	LastKeyAge    time.Duration // since the last key event; -1 if none yet
	Endpoint      string        // confirmed or configured endpoint; "" if none
}

// Server exchanges keys with its peers on a background thread and delivers them on Keys().
// All methods are safe for concurrent use.
type Server struct {
	h       C.rosenpass_server
	keys    chan KeyEvent
	done    chan struct{} // closed by Close: the pump stops even if nobody reads Keys()
	pumping sync.WaitGroup
	once    sync.Once
	closing sync.Once
}

// NewServer creates a server with a copy of kp, listening on the UDP addresses in listen
// ("0.0.0.0:9999", "[::]:0"). Call Start to run it.
func NewServer(kp *KeyPair, listen []string) (*Server, error) {
	cl := make([]*C.char, len(listen))
	for i, l := range listen {
		cl[i] = C.CString(l)
		defer C.free(unsafe.Pointer(cl[i]))
	}
	// The array of C strings lives in C memory (cgo forbids Go pointers to Go pointers).
	var arr **C.char
	if len(cl) > 0 {
		p := C.malloc(C.size_t(len(cl)) * C.size_t(unsafe.Sizeof(uintptr(0))))
		defer C.free(p)
		copy(unsafe.Slice((**C.char)(p), len(cl)), cl)
		arr = (**C.char)(p)
	}
	s := &Server{keys: make(chan KeyEvent, 16), done: make(chan struct{})}
	err := call(func() error {
		return check("create server", C.rosenpass_server_create(kp.h, arr, C.size_t(len(cl)), &s.h))
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Start runs the server on its own thread and begins delivering key events on Keys().
func (s *Server) Start() error {
	if err := call(func() error { return check("start", C.rosenpass_server_start(s.h)) }); err != nil {
		return err
	}
	s.once.Do(func() {
		s.pumping.Add(1)
		go s.pump()
	})
	return nil
}

// pump moves key events from the library's queue to the channel until the server closes.
func (s *Server) pump() {
	defer s.pumping.Done()
	defer close(s.keys)
	for {
		var ev C.rosenpass_key_event
		rc := C.rosenpass_server_wait_event(s.h, -1, &ev)
		if rc != C.ROSENPASS_OK {
			return // closed (or the handle is gone)
		}
		k := KeyEvent{Peer: Peer{uint64(ev.peer.id)}, Kind: KeyKind(ev.kind)}
		for i := range k.Key { // straight from C: no intermediate copy left for the GC
			k.Key[i] = byte(ev.key[i])
		}
		C.rosenpass_wipe(unsafe.Pointer(&ev.key[0]), C.size_t(KeySize))
		select {
		case s.keys <- k:
		case <-s.done:
			return
		}
	}
}

// Keys delivers key events in order; it is closed by Close. Read it promptly: the library
// keeps at most 1024 undelivered events.
func (s *Server) Keys() <-chan KeyEvent { return s.keys }

// ListenAddr is the bound address of listening socket i, e.g. "127.0.0.1:40123".
func (s *Server) ListenAddr(i int) (string, error) {
	var buf [C.ROSENPASS_ENDPOINT_MAX]C.char
	err := call(func() error {
		return check("listen address", C.rosenpass_server_listen_address(s.h, C.size_t(i), &buf[0], C.size_t(len(buf))))
	})
	if err != nil {
		return "", err
	}
	return C.GoString(&buf[0]), nil
}

// cPeerConfig is a rosenpass_peer_config in C memory, with the C copies it points to.
type cPeerConfig struct {
	c    *C.rosenpass_peer_config
	free []unsafe.Pointer
}

func (p *cPeerConfig) release() {
	for _, f := range p.free {
		C.free(f)
	}
}

func (p *cPeerConfig) str(s string) *C.char {
	if s == "" {
		return nil
	}
	c := C.CString(s)
	p.free = append(p.free, unsafe.Pointer(c))
	return c
}

func (p *cPeerConfig) bytes(b []byte) (*C.uint8_t, C.size_t) {
	if b == nil {
		return nil, 0
	}
	c := C.CBytes(b)
	p.free = append(p.free, c)
	return (*C.uint8_t)(c), C.size_t(len(b))
}

func toC(cfg *PeerConfig) *cPeerConfig {
	p := &cPeerConfig{}
	p.c = (*C.rosenpass_peer_config)(C.malloc(C.size_t(unsafe.Sizeof(C.rosenpass_peer_config{}))))
	p.free = append(p.free, unsafe.Pointer(p.c))
	C.rosenpass_peer_config_init(p.c)
	p.c.public_key, p.c.public_key_len = p.bytes(cfg.PublicKey)
	p.c.public_key_path = p.str(cfg.PublicKeyPath)
	p.c.endpoint = p.str(cfg.Endpoint)
	p.c.psk, p.c.psk_len = p.bytes(cfg.PSK)
	p.c.osk_organization = p.str(cfg.OSKOrganization)
	if len(cfg.OSKLabels) > 0 {
		arr := C.malloc(C.size_t(len(cfg.OSKLabels)) * C.size_t(unsafe.Sizeof(uintptr(0))))
		p.free = append(p.free, arr)
		labels := unsafe.Slice((**C.char)(arr), len(cfg.OSKLabels))
		for i, l := range cfg.OSKLabels {
			labels[i] = C.CString(l)
			p.free = append(p.free, unsafe.Pointer(labels[i]))
		}
		p.c.osk_labels = (**C.char)(arr)
		p.c.n_osk_labels = C.size_t(len(cfg.OSKLabels))
	}
	p.c.protocol = C.int(cfg.Protocol)
	return p
}

// AddPeer adds a peer; without an Endpoint it only answers until SetEndpoint.
func (s *Server) AddPeer(cfg PeerConfig) (Peer, error) {
	c := toC(&cfg)
	defer c.release()
	var p C.rosenpass_peer
	err := call(func() error { return check("add peer", C.rosenpass_server_add_peer(s.h, c.c, &p)) })
	return Peer{uint64(p.id)}, err
}

// UpdatePeer replaces the peer's PSK, output-key domain, protocol and endpoint.
func (s *Server) UpdatePeer(p Peer, cfg PeerConfig) error {
	c := toC(&cfg)
	defer c.release()
	return call(func() error {
		return check("update peer", C.rosenpass_server_update_peer(s.h, C.rosenpass_peer{id: C.uint64_t(p.id)}, c.c))
	})
}

// SetEndpoint sets ("host:port") or clears ("") the peer's endpoint; a peer that had none
// starts initiating.
func (s *Server) SetEndpoint(p Peer, endpoint string) error {
	var c *C.char
	if endpoint != "" {
		c = C.CString(endpoint)
		defer C.free(unsafe.Pointer(c))
	}
	return call(func() error {
		return check("set endpoint", C.rosenpass_peer_set_endpoint(s.h, C.rosenpass_peer{id: C.uint64_t(p.id)}, c))
	})
}

// RemovePeer forgets the peer: no more datagrams, timers or keys for it.
func (s *Server) RemovePeer(p Peer) error {
	return call(func() error {
		return check("remove peer", C.rosenpass_server_remove_peer(s.h, C.rosenpass_peer{id: C.uint64_t(p.id)}))
	})
}

// Status reports on a peer.
func (s *Server) Status(p Peer) (PeerStatus, error) {
	var st C.rosenpass_peer_status
	st.struct_size = C.size_t(unsafe.Sizeof(st))
	err := call(func() error {
		return check("peer status", C.rosenpass_peer_get_status(s.h, C.rosenpass_peer{id: C.uint64_t(p.id)}, &st))
	})
	if err != nil {
		return PeerStatus{}, err
	}
	out := PeerStatus{
		Protocol:      Protocol(st.protocol),
		HasKey:        st.has_key != 0,
		KeysExchanged: uint64(st.keys_exchanged),
		KeysStale:     uint64(st.keys_stale),
		LastKeyAge:    -1,
		Endpoint:      C.GoString(&st.endpoint[0]),
	}
	if st.last_key_age_ms >= 0 {
		out.LastKeyAge = time.Duration(st.last_key_age_ms) * time.Millisecond
	}
	copy(out.PeerID[:], C.GoBytes(unsafe.Pointer(&st.peer_id[0]), C.int(PeerIDSize)))
	return out, nil
}

// Close stops the server and frees it with all its secrets; Keys() is closed.
func (s *Server) Close() error {
	err := call(func() error { return check("close", C.rosenpass_server_destroy(s.h)) })
	if errors.Is(err, ErrHandle) {
		return err // already closed
	}
	s.closing.Do(func() { close(s.done) })
	s.once.Do(func() { close(s.keys) }) // never started: nothing pumps
	s.pumping.Wait()
	return err
}
