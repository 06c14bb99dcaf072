package rosenpass

/*
#cgo pkg-config: rosenpass
#include <stdlib.h>
#include <rosenpass/rosenpass.h>
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Sizes in bytes.
const (
	PublicKeySize = int(C.ROSENPASS_PUBLIC_KEY_SIZE) // Classic McEliece 460896 public key
	PSKSize       = int(C.ROSENPASS_PSK_SIZE)        // a peer's optional pre-shared key
	KeySize       = int(C.ROSENPASS_KEY_SIZE)        // an exchanged key (WireGuard PSK)
	PeerIDSize    = int(C.ROSENPASS_PEER_ID_SIZE)
)

// call runs f on a locked OS thread so that the C library's thread-local error message
// belongs to the same call.
func call(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return f()
}

// KeyPair is our static key pair. Its secret key stays in the library's locked memory.
type KeyPair struct {
	h C.rosenpass_keypair
}

// GenerateKeyPair makes a fresh key pair (about a second of CPU).
func GenerateKeyPair() (*KeyPair, error) {
	k := &KeyPair{}
	err := call(func() error { return check("generate key pair", C.rosenpass_keypair_generate(&k.h)) })
	if err != nil {
		return nil, err
	}
	return k, nil
}

// LoadKeyPair reads a `rosenpass gen-keys` secret-key and public-key file.
func LoadKeyPair(secretKeyPath, publicKeyPath string) (*KeyPair, error) {
	sk, pk := C.CString(secretKeyPath), C.CString(publicKeyPath)
	defer C.free(unsafe.Pointer(sk))
	defer C.free(unsafe.Pointer(pk))
	k := &KeyPair{}
	err := call(func() error { return check("load key pair", C.rosenpass_keypair_load(sk, pk, &k.h)) })
	if err != nil {
		return nil, err
	}
	return k, nil
}

// LoadKeyPairDir reads DIR/pqsk and DIR/pqpk of an `rp genkey` directory.
func LoadKeyPairDir(dir string) (*KeyPair, error) {
	d := C.CString(dir)
	defer C.free(unsafe.Pointer(d))
	k := &KeyPair{}
	err := call(func() error { return check("load key pair", C.rosenpass_keypair_load_dir(d, &k.h)) })
	if err != nil {
		return nil, err
	}
	return k, nil
}

// Save writes the secret key (mode 0600 when new) and the public key, each atomically.
func (k *KeyPair) Save(secretKeyPath, publicKeyPath string) error {
	sk, pk := C.CString(secretKeyPath), C.CString(publicKeyPath)
	defer C.free(unsafe.Pointer(sk))
	defer C.free(unsafe.Pointer(pk))
	return call(func() error { return check("save key pair", C.rosenpass_keypair_save(k.h, sk, pk)) })
}

// PublicKey returns a copy of the 524,160-byte public key, to give to peers.
func (k *KeyPair) PublicKey() ([]byte, error) {
	buf := C.malloc(C.size_t(PublicKeySize))
	defer C.free(buf)
	err := call(func() error {
		return check("public key", C.rosenpass_keypair_public_key(k.h, (*C.uint8_t)(buf), C.size_t(PublicKeySize)))
	})
	if err != nil {
		return nil, err
	}
	return C.GoBytes(buf, C.int(PublicKeySize)), nil
}

// Close frees the key pair (servers made from it keep their own copy).
func (k *KeyPair) Close() error {
	return call(func() error { return check("close key pair", C.rosenpass_keypair_destroy(k.h)) })
}
