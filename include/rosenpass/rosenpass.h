/* librosenpass: the Rosenpass post-quantum key exchange as an embeddable C library.
 *
 * A server holds our static key pair and a set of peers; it exchanges a fresh 32-byte key
 * with each peer every two minutes (protocol.md §1) and hands it to the host, which installs
 * it, typically as the WireGuard pre-shared key of that peer. It runs the same runtime as the
 * `rosenpass` daemon (daemon::Runtime), so timers, endpoint roaming and stale keys behave
 * exactly as there (application.md §4).
 *
 *   rosenpass_keypair kp;   rosenpass_keypair_load_dir("/etc/rp/keys", &kp);
 *   rosenpass_server srv;   const char *listen[] = {"[::]:9999"};
 *   rosenpass_server_create(kp, listen, 1, &srv);
 *   rosenpass_peer_config pc; rosenpass_peer_config_init(&pc);
 *   pc.public_key = pk; pc.public_key_len = ROSENPASS_PUBLIC_KEY_SIZE;
 *   rosenpass_peer peer;    rosenpass_server_add_peer(srv, &pc, &peer);
 *   rosenpass_server_set_key_callback(srv, on_key, ctx);   (or poll rosenpass_server_next_event)
 *   rosenpass_server_start(srv);                           (or drive it from your event loop)
 *   ... rosenpass_peer_set_endpoint(srv, peer, "10.0.0.2:9999"); ...
 *   rosenpass_server_destroy(srv); rosenpass_keypair_destroy(kp);
 *
 * Conventions
 *  - Every function returns an int status: ROSENPASS_OK (0) or a negative ROSENPASS_E_* code;
 *    rosenpass_strerror() names the code, rosenpass_last_error() gives this thread's detailed
 *    message for the last failed call (e.g. naming the file and the problem).
 *  - Handles are small values, not pointers: a destroyed or never-valid handle (including the
 *    zero handle) is refused with ROSENPASS_E_HANDLE, never dereferenced. Handle values are
 *    not reused within a process.
 *  - Sizes are given both as constants and as functions (for bindings); a buffer whose length
 *    is not the documented size is refused with ROSENPASS_E_SIZE.
 *  - Secrets (secret keys, PSKs, exchanged keys) live in locked memory inside the library and
 *    are wiped when freed; copies handed to the host (key events) are the host's to wipe
 *    (rosenpass_wipe()).
 *  - Thread safety: unless a function says otherwise it may be called from any thread,
 *    concurrently with any other function, on the same or different handles.
 */
#ifndef ROSENPASS_ROSENPASS_H
#define ROSENPASS_ROSENPASS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#if defined(ROSENPASS_BUILDING_LIBRARY)
#define ROSENPASS_API __attribute__((visibility("default")))
#else
#define ROSENPASS_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version -------------------------------------------------------------------------- */

#define ROSENPASS_VERSION_MAJOR 0
#define ROSENPASS_VERSION_MINOR 1
#define ROSENPASS_VERSION_PATCH 0
/* The library's version, e.g. "0.1.0" (static storage). */
ROSENPASS_API const char *rosenpass_version(void);

/* ---- Sizes (bytes) ---------------------------------------------------------------------- */

#define ROSENPASS_PUBLIC_KEY_SIZE 524160u /* Classic McEliece 460896 public key */
#define ROSENPASS_SECRET_KEY_SIZE 13608u  /* its secret key (13,568-byte v0.2.x files load too) */
#define ROSENPASS_PSK_SIZE 32u            /* optional pre-shared key of a peer (§2.2) */
#define ROSENPASS_KEY_SIZE 32u            /* an exchanged output key (osk, §11) */
#define ROSENPASS_PEER_ID_SIZE 32u        /* a peer's id, lhash("peer id", its public key) */
#define ROSENPASS_ENDPOINT_MAX 64u        /* "[ipv6%scope]:port" text incl. the final NUL */

ROSENPASS_API size_t rosenpass_public_key_size(void);
ROSENPASS_API size_t rosenpass_secret_key_size(void);
ROSENPASS_API size_t rosenpass_psk_size(void);
ROSENPASS_API size_t rosenpass_key_size(void);
ROSENPASS_API size_t rosenpass_peer_id_size(void);
ROSENPASS_API size_t rosenpass_endpoint_max(void);

/* ---- Errors ----------------------------------------------------------------------------- */

#define ROSENPASS_OK 0
#define ROSENPASS_E_ARGUMENT (-1)   /* a null pointer or an out-of-range value */
#define ROSENPASS_E_HANDLE (-2)     /* a zero, destroyed or foreign handle */
#define ROSENPASS_E_SIZE (-3)       /* a buffer or struct of the wrong size */
#define ROSENPASS_E_KEY_FILE (-4)   /* a key file missing, unreadable, or of the wrong size */
#define ROSENPASS_E_IO (-5)         /* writing a file, binding or using a socket failed */
#define ROSENPASS_E_ADDRESS (-6)    /* an address that does not parse or resolve */
#define ROSENPASS_E_DUPLICATE (-7)  /* a peer with this public key is already configured */
#define ROSENPASS_E_STATE (-8)      /* not allowed now, e.g. process() while the thread runs */
#define ROSENPASS_E_EMPTY (-9)      /* no event queued (poll-style event functions) */
#define ROSENPASS_E_TIMEOUT (-10)   /* rosenpass_server_wait_event() timed out */
#define ROSENPASS_E_CLOSED (-11)    /* the server was destroyed while waiting */
#define ROSENPASS_E_NO_MEMORY (-12) /* allocation failed (including locked memory) */
#define ROSENPASS_E_INTERNAL (-13)  /* a bug: please report it with rosenpass_last_error() */

/* A static, English name for a status code ("invalid handle", ...); never NULL. */
ROSENPASS_API const char *rosenpass_strerror(int code);
/* The detailed message of the last failed call on this thread ("" if none). Valid until the
 * next call into the library on this thread. Per thread: other threads' calls never change it. */
ROSENPASS_API const char *rosenpass_last_error(void);

/* Overwrites `len` bytes at `p` with zeros in a way the compiler does not remove. */
ROSENPASS_API void rosenpass_wipe(void *p, size_t len);

/* ---- Handles ---------------------------------------------------------------------------- */

typedef struct rosenpass_keypair { uint64_t id; } rosenpass_keypair;
typedef struct rosenpass_server { uint64_t id; } rosenpass_server;
/* A peer of one server; only meaningful together with that server. */
typedef struct rosenpass_peer { uint64_t id; } rosenpass_peer;

/* ---- Key pairs -------------------------------------------------------------------------- */

/* Generates a fresh Classic McEliece key pair (about 0.1-1 s of CPU). */
ROSENPASS_API int rosenpass_keypair_generate(rosenpass_keypair *out);
/* Loads a secret-key file (13,608 or 13,568 bytes) and a public-key file (524,160 bytes), the
 * `rosenpass gen-keys` format. Errors name the file. */
ROSENPASS_API int rosenpass_keypair_load(const char *secret_key_path, const char *public_key_path,
                                         rosenpass_keypair *out);
/* Loads DIR/pqsk and DIR/pqpk from an `rp genkey` key directory. */
ROSENPASS_API int rosenpass_keypair_load_dir(const char *dir, rosenpass_keypair *out);
/* Writes the key pair, each file atomically (a temporary file, then rename: never a partial
 * key file). New files get mode 0600 (secret key) and 0644 (public key); an existing file
 * keeps its mode. */
ROSENPASS_API int rosenpass_keypair_save(rosenpass_keypair kp, const char *secret_key_path,
                                         const char *public_key_path);
/* Copies the public key into `out` (`out_len` must be ROSENPASS_PUBLIC_KEY_SIZE). */
ROSENPASS_API int rosenpass_keypair_public_key(rosenpass_keypair kp, uint8_t *out, size_t out_len);
/* Frees the key pair (its secret key is wiped). Servers created from it keep their own copy. */
ROSENPASS_API int rosenpass_keypair_destroy(rosenpass_keypair kp);

/* ---- Servers ---------------------------------------------------------------------------- */

/* Creates a server with a copy of `kp`, bound to the `n_listen` UDP addresses in `listen`
 * ("0.0.0.0:9999", "[::]:0"; port 0 = kernel-chosen, see rosenpass_server_listen_address).
 * With n_listen == 0 the server has no sockets: the host delivers received datagrams with
 * rosenpass_server_feed() and sends what the send callback gives it. */
ROSENPASS_API int rosenpass_server_create(rosenpass_keypair kp, const char *const *listen,
                                          size_t n_listen, rosenpass_server *out);
/* Stops the background thread if running, closes the sockets and frees the server and all
 * its secrets. Threads blocked in rosenpass_server_wait_event() return ROSENPASS_E_CLOSED.
 * Not from inside one of this server's callbacks (ROSENPASS_E_STATE). */
ROSENPASS_API int rosenpass_server_destroy(rosenpass_server srv);

/* The bound address of listening socket `index` (< the n_listen given at creation), e.g.
 * "127.0.0.1:40123", NUL-terminated into `out` (at least ROSENPASS_ENDPOINT_MAX bytes). */
ROSENPASS_API int rosenpass_server_listen_address(rosenpass_server srv, size_t index, char *out,
                                                  size_t out_len);

/* ---- Peers ------------------------------------------------------------------------------ */

enum rosenpass_protocol {
  ROSENPASS_PROTOCOL_AUTO = 0,  /* answer every version; initiate V02, V02-pc, V03 in turn */
  ROSENPASS_PROTOCOL_V02 = 1,   /* BLAKE2b keyed hash (the reference's default) */
  ROSENPASS_PROTOCOL_V03 = 2,   /* SHAKE256 keyed hash */
  ROSENPASS_PROTOCOL_V02PC = 3, /* Rust v0.2.x / go-rosenpass wire (188-byte ciphertexts) */
};

/* A peer's configuration. Call rosenpass_peer_config_init() first: it zeroes the struct and
 * sets struct_size, which lets later library versions grow the struct compatibly. */
typedef struct rosenpass_peer_config {
  size_t struct_size;          /* = sizeof(rosenpass_peer_config), set by _init */
  const uint8_t *public_key;   /* ROSENPASS_PUBLIC_KEY_SIZE bytes (copied), or NULL and: */
  size_t public_key_len;
  const char *public_key_path; /* a 524,160-byte public-key file (e.g. an rp pqpk) */
  const char *endpoint;        /* "host:port"; NULL = none yet (responder until one is known) */
  const uint8_t *psk;          /* ROSENPASS_PSK_SIZE bytes (copied to locked memory) or NULL */
  size_t psk_len;
  const char *osk_organization;   /* output-key domain (§11); NULL = the WireGuard PSK domain */
  const char *const *osk_labels;  /* used only with osk_organization */
  size_t n_osk_labels;
  int protocol;                   /* enum rosenpass_protocol */
} rosenpass_peer_config;

/* Touches only `*cfg` (no library state); NULL is ignored. */
ROSENPASS_API void rosenpass_peer_config_init(rosenpass_peer_config *cfg);

/* Adds a peer. Fails with ROSENPASS_E_DUPLICATE if its public key is already configured. */
ROSENPASS_API int rosenpass_server_add_peer(rosenpass_server srv, const rosenpass_peer_config *cfg,
                                            rosenpass_peer *out);
/* Replaces a peer's PSK (NULL = none), output-key domain, protocol and endpoint with those in
 * `cfg` (its public key fields must be unset or equal to the peer's). If only the PSK and
 * endpoint change, the session is kept and the PSK applies from the next handshake; a new
 * protocol or output-key domain restarts the peer. The peer handle stays valid. */
ROSENPASS_API int rosenpass_server_update_peer(rosenpass_server srv, rosenpass_peer peer,
                                               const rosenpass_peer_config *cfg);
/* Sets (or with NULL clears) the peer's endpoint "host:port" without restarting anything;
 * a peer that had none starts initiating. The NetBird flow: add first, endpoint later. */
ROSENPASS_API int rosenpass_peer_set_endpoint(rosenpass_server srv, rosenpass_peer peer,
                                              const char *endpoint);
/* Removes the peer: no more datagrams, events or timers for it; its handle becomes invalid. */
ROSENPASS_API int rosenpass_server_remove_peer(rosenpass_server srv, rosenpass_peer peer);

/* What the host can show about a peer. Call with struct_size set to sizeof. */
typedef struct rosenpass_peer_status {
  size_t struct_size;
  uint8_t peer_id[ROSENPASS_PEER_ID_SIZE]; /* under the hash of the active protocol */
  int protocol;               /* protocol of its next initiation (learned for AUTO) */
  int has_key;                /* 1 while the last event was an exchanged (not stale) key */
  uint64_t keys_exchanged;    /* number of exchanged-key events */
  uint64_t keys_stale;        /* number of stale-key events */
  int64_t last_key_age_ms;    /* since the last key event; -1 if none yet */
  char endpoint[ROSENPASS_ENDPOINT_MAX]; /* confirmed or configured endpoint, "" if none */
} rosenpass_peer_status;

ROSENPASS_API int rosenpass_peer_get_status(rosenpass_server srv, rosenpass_peer peer,
                                            rosenpass_peer_status *out);

/* ---- Key events ------------------------------------------------------------------------- */

enum rosenpass_key_event_kind {
  ROSENPASS_KEY_EXCHANGED = 1, /* a handshake completed: install `key` */
  ROSENPASS_KEY_STALE = 2,     /* no fresh key for 180 s: `key` is random, install it instead */
};

typedef struct rosenpass_key_event {
  rosenpass_peer peer;
  int kind;                        /* enum rosenpass_key_event_kind */
  uint8_t key[ROSENPASS_KEY_SIZE]; /* a secret: wipe it after use (rosenpass_wipe) */
} rosenpass_key_event;

/* Called for each key event, in order, on the thread that drives the server (the background
 * thread, or the caller of rosenpass_server_process/_feed); no library lock is held, so it
 * may call any function except rosenpass_server_destroy on this server. `event` is valid
 * only during the call (the library wipes it afterwards). NULL callback = queue the events
 * instead (the default). */
typedef void (*rosenpass_key_fn)(void *ctx, const rosenpass_key_event *event);
ROSENPASS_API int rosenpass_server_set_key_callback(rosenpass_server srv, rosenpass_key_fn fn,
                                                    void *ctx);

/* Poll-style: takes the oldest queued event into `out` (ROSENPASS_E_EMPTY if none). The queue
 * holds the last 1024 events; older ones are dropped. */
ROSENPASS_API int rosenpass_server_next_event(rosenpass_server srv, rosenpass_key_event *out);
/* Blocks up to `timeout_ms` (-1 = forever) for a queued event; ROSENPASS_E_TIMEOUT, or
 * ROSENPASS_E_CLOSED once the server is destroyed. Needs something driving the server
 * (the background thread or another thread's event loop). Any number of threads may wait;
 * each event goes to one of them. */
ROSENPASS_API int rosenpass_server_wait_event(rosenpass_server srv, int timeout_ms,
                                              rosenpass_key_event *out);

/* ---- Driving the server ----------------------------------------------------------------- */

/* The easy path: a background thread owned by the server receives, runs timers and
 * delivers events until rosenpass_server_stop() or _destroy(). Start while running, or stop
 * while not: ROSENPASS_E_STATE; stop from inside a callback: ROSENPASS_E_STATE. */
ROSENPASS_API int rosenpass_server_start(rosenpass_server srv);
ROSENPASS_API int rosenpass_server_stop(rosenpass_server srv);

/* Host event loop: watch `*fd` for readability (it becomes readable when a datagram arrives
 * or a timer is due) and/or wait at most `*timeout_ms` (rosenpass_server_timeout), then call
 * rosenpass_server_process(). The fd belongs to the server; do not close or read it. */
ROSENPASS_API int rosenpass_server_fd(rosenpass_server srv, int *fd);
/* Milliseconds until the next timer is due (0 = now). */
ROSENPASS_API int rosenpass_server_timeout(rosenpass_server srv, int *timeout_ms);
/* Receives what is pending, runs due timers, sends, and delivers events; never blocks (but
 * waits for another thread's process()/feed() on the same server: they are serialised).
 * ROSENPASS_E_STATE while the background thread runs, or from inside a callback. */
ROSENPASS_API int rosenpass_server_process(rosenpass_server srv);

/* Without sockets (n_listen == 0): the host sends each datagram the server produces. Return
 * 0 on success, anything else counts as a send failure. Called on the driving thread with no
 * library lock held; `to` is the peer's endpoint. */
typedef int (*rosenpass_send_fn)(void *ctx, const uint8_t *datagram, size_t len,
                                 const struct sockaddr *to, socklen_t to_len);
ROSENPASS_API int rosenpass_server_set_send_callback(rosenpass_server srv, rosenpass_send_fn fn,
                                                     void *ctx);
/* Delivers one datagram the host received from `from`; replies go to the send callback.
 * Bad datagrams are dropped and counted, never an error. ROSENPASS_E_STATE on a server with
 * sockets or from inside a callback. Allowed while the background thread runs (it then only
 * runs the timers); serialised with it. */
ROSENPASS_API int rosenpass_server_feed(rosenpass_server srv, const uint8_t *datagram, size_t len,
                                        const struct sockaddr *from, socklen_t from_len);

#ifdef __cplusplus
}
#endif

#endif /* ROSENPASS_ROSENPASS_H */
