/* Tests of the C API (include/rosenpass/rosenpass.h), in C, against the shared library.
 * One program, one ctest case per argument: `capi_test <case> <test data dir> <temp dir>`. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rosenpass/rosenpass.h"

static const char *g_data; /* tests/data/test-vectors */
static const char *g_tmp;  /* a fresh directory for this case */

#define CHECK(cond)                                                                     \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__, \
              #cond, rosenpass_last_error());                                           \
      exit(1);                                                                          \
    }                                                                                   \
  } while (0)
#define CHECK_RC(expr, want)                                                             \
  do {                                                                                   \
    int rc_ = (expr);                                                                    \
    if (rc_ != (want)) {                                                                 \
      fprintf(stderr, "%s:%d: %s returned %d (%s), want %d (%s); last error: %s\n",      \
              __FILE__, __LINE__, #expr, rc_, rosenpass_strerror(rc_), (want),           \
              rosenpass_strerror(want), rosenpass_last_error());                         \
      exit(1);                                                                           \
    }                                                                                    \
  } while (0)
#define OK(expr) CHECK_RC(expr, ROSENPASS_OK)

static char *path(const char *dir, const char *name) {
  static char bufs[8][512];
  static int next;
  char *b = bufs[next++ % 8];
  snprintf(b, 512, "%s/%s", dir, name);
  return b;
}

static rosenpass_keypair load_pair(const char *which) {
  char sk[64], pk[64];
  snprintf(sk, sizeof sk, "peer_%s_sk.bin", which);
  snprintf(pk, sizeof pk, "peer_%s_pk.bin", which);
  rosenpass_keypair kp = {0};
  OK(rosenpass_keypair_load(path(g_data, sk), path(g_data, pk), &kp));
  CHECK(kp.id != 0);
  return kp;
}

static uint8_t *public_key_of(rosenpass_keypair kp) {
  uint8_t *pk = malloc(ROSENPASS_PUBLIC_KEY_SIZE);
  CHECK(pk);
  OK(rosenpass_keypair_public_key(kp, pk, ROSENPASS_PUBLIC_KEY_SIZE));
  return pk;
}

static rosenpass_server loopback_server(rosenpass_keypair kp) {
  const char *listen[] = {"127.0.0.1:0"};
  rosenpass_server s = {0};
  OK(rosenpass_server_create(kp, listen, 1, &s));
  return s;
}

static rosenpass_peer add_peer(rosenpass_server s, const uint8_t *pk, const char *endpoint) {
  rosenpass_peer_config pc;
  rosenpass_peer_config_init(&pc);
  pc.public_key = pk;
  pc.public_key_len = ROSENPASS_PUBLIC_KEY_SIZE;
  pc.endpoint = endpoint;
  rosenpass_peer p = {0};
  OK(rosenpass_server_add_peer(s, &pc, &p));
  CHECK(p.id != 0);
  return p;
}

static int all_zero(const uint8_t *p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; ++i) acc |= p[i];
  return acc == 0;
}

/* Two servers on loopback, each with the other as peer, driven by their own threads: both
 * report the same exchanged key for each other, and the status shows it. */
static void test_keying_threads(void) {
  rosenpass_keypair a = load_pair("a"), b = load_pair("b");
  uint8_t *pka = public_key_of(a), *pkb = public_key_of(b);
  rosenpass_server sa = loopback_server(a), sb = loopback_server(b);
  char addr_b[ROSENPASS_ENDPOINT_MAX];
  OK(rosenpass_server_listen_address(sb, 0, addr_b, sizeof addr_b));
  /* NetBird's order: a knows b's endpoint only later; b never learns a's (responder). */
  rosenpass_peer b_at_a = add_peer(sa, pkb, NULL);
  rosenpass_peer a_at_b = add_peer(sb, pka, NULL);
  OK(rosenpass_server_start(sa));
  OK(rosenpass_server_start(sb));
  OK(rosenpass_peer_set_endpoint(sa, b_at_a, addr_b));

  rosenpass_key_event ea, eb;
  OK(rosenpass_server_wait_event(sa, 120000, &ea));
  OK(rosenpass_server_wait_event(sb, 120000, &eb));
  CHECK(ea.kind == ROSENPASS_KEY_EXCHANGED && eb.kind == ROSENPASS_KEY_EXCHANGED);
  CHECK(ea.peer.id == b_at_a.id && eb.peer.id == a_at_b.id);
  CHECK(memcmp(ea.key, eb.key, ROSENPASS_KEY_SIZE) == 0);
  CHECK(!all_zero(ea.key, ROSENPASS_KEY_SIZE));

  rosenpass_peer_status st;
  memset(&st, 0, sizeof st);
  st.struct_size = sizeof st;
  OK(rosenpass_peer_get_status(sa, b_at_a, &st));
  CHECK(st.has_key == 1 && st.keys_exchanged >= 1 && st.last_key_age_ms >= 0);
  CHECK(strcmp(st.endpoint, addr_b) == 0);
  CHECK(!all_zero(st.peer_id, ROSENPASS_PEER_ID_SIZE));
  /* b learned a's endpoint from the authenticated exchange (roaming). */
  OK(rosenpass_peer_get_status(sb, a_at_b, &st));
  CHECK(strncmp(st.endpoint, "127.0.0.1:", 10) == 0);

  /* Removing the peer ends its events; its handle is then invalid. */
  OK(rosenpass_server_remove_peer(sa, b_at_a));
  CHECK_RC(rosenpass_peer_get_status(sa, b_at_a, &st), ROSENPASS_E_HANDLE);
  rosenpass_wipe(ea.key, sizeof ea.key);
  rosenpass_wipe(eb.key, sizeof eb.key);
  OK(rosenpass_server_destroy(sa));
  OK(rosenpass_server_destroy(sb));
  OK(rosenpass_keypair_destroy(a));
  OK(rosenpass_keypair_destroy(b));
  free(pka);
  free(pkb);
}

/* The host's event loop: poll() on both servers' fds with their timeouts, process(), and
 * key events by callback. */
struct seen {
  rosenpass_server self;
  int count;
  rosenpass_key_event ev;
  int destroy_rc, process_rc, status_rc; /* calls made from inside the callback */
};
static void on_key(void *ctx, const rosenpass_key_event *ev) {
  struct seen *s = ctx;
  if (s->count++ == 0) s->ev = *ev;
  /* Inside a callback: other calls work, destroying or driving this server is refused. */
  s->destroy_rc = rosenpass_server_destroy(s->self);
  s->process_rc = rosenpass_server_process(s->self);
  rosenpass_peer_status st = {.struct_size = sizeof st};
  s->status_rc = rosenpass_peer_get_status(s->self, ev->peer, &st);
}

static void test_keying_host_loop(void) {
  rosenpass_keypair a = load_pair("a"), b = load_pair("b");
  uint8_t *pka = public_key_of(a), *pkb = public_key_of(b);
  rosenpass_server sa = loopback_server(a), sb = loopback_server(b);
  char addr_a[ROSENPASS_ENDPOINT_MAX], addr_b[ROSENPASS_ENDPOINT_MAX];
  OK(rosenpass_server_listen_address(sa, 0, addr_a, sizeof addr_a));
  OK(rosenpass_server_listen_address(sb, 0, addr_b, sizeof addr_b));
  add_peer(sa, pkb, addr_b);
  add_peer(sb, pka, addr_a);
  struct seen ka = {.self = sa}, kb = {.self = sb};
  OK(rosenpass_server_set_key_callback(sa, on_key, &ka));
  OK(rosenpass_server_set_key_callback(sb, on_key, &kb));
  struct pollfd fds[2] = {{.events = POLLIN}, {.events = POLLIN}};
  OK(rosenpass_server_fd(sa, &fds[0].fd));
  OK(rosenpass_server_fd(sb, &fds[1].fd));
  time_t deadline = time(NULL) + 120;
  while ((ka.count == 0 || kb.count == 0) && time(NULL) < deadline) {
    int ta, tb;
    OK(rosenpass_server_timeout(sa, &ta));
    OK(rosenpass_server_timeout(sb, &tb));
    int t = ta < tb ? ta : tb;
    poll(fds, 2, t > 1000 ? 1000 : t);
    OK(rosenpass_server_process(sa));
    OK(rosenpass_server_process(sb));
  }
  CHECK(ka.count >= 1 && kb.count >= 1);
  CHECK(ka.ev.kind == ROSENPASS_KEY_EXCHANGED);
  CHECK(memcmp(ka.ev.key, kb.ev.key, ROSENPASS_KEY_SIZE) == 0);
  CHECK(ka.destroy_rc == ROSENPASS_E_STATE && ka.process_rc == ROSENPASS_E_STATE);
  CHECK(ka.status_rc == ROSENPASS_OK);
  /* Events went to the callback, not the queue. */
  rosenpass_key_event ev;
  CHECK_RC(rosenpass_server_next_event(sa, &ev), ROSENPASS_E_EMPTY);
  /* process() is refused while the background thread drives the server. */
  OK(rosenpass_server_start(sa));
  CHECK_RC(rosenpass_server_process(sa), ROSENPASS_E_STATE);
  CHECK_RC(rosenpass_server_start(sa), ROSENPASS_E_STATE);
  OK(rosenpass_server_stop(sa));
  CHECK_RC(rosenpass_server_stop(sa), ROSENPASS_E_STATE);
  OK(rosenpass_server_destroy(sa));
  OK(rosenpass_server_destroy(sb));
  rosenpass_keypair_destroy(a);
  rosenpass_keypair_destroy(b);
  free(pka);
  free(pkb);
}

/* Host-fed servers (no sockets): datagrams go through the test's own "network", a queue in
 * memory; the host also chooses the addresses. */
#define NET_MAX 64
struct packet {
  int to; /* 0 = a, 1 = b */
  size_t len;
  uint8_t bytes[4096];
  struct sockaddr_in from;
};
static struct packet g_net[NET_MAX];
static int g_net_len;
static struct sockaddr_in g_addr[2];

static int host_send(void *ctx, const uint8_t *d, size_t len, const struct sockaddr *to,
                     socklen_t to_len) {
  int self = (int)(intptr_t)ctx;
  CHECK(to->sa_family == AF_INET && to_len >= sizeof(struct sockaddr_in));
  const struct sockaddr_in *sin = (const struct sockaddr_in *)to;
  int dest = sin->sin_port == g_addr[0].sin_port ? 0 : sin->sin_port == g_addr[1].sin_port ? 1 : -1;
  CHECK(dest >= 0 && len <= sizeof g_net[0].bytes && g_net_len < NET_MAX);
  g_net[g_net_len].to = dest;
  g_net[g_net_len].len = len;
  memcpy(g_net[g_net_len].bytes, d, len);
  g_net[g_net_len].from = g_addr[self];
  ++g_net_len;
  return 0;
}

static void test_keying_host_fed(void) {
  rosenpass_keypair a = load_pair("a"), b = load_pair("b");
  uint8_t *pka = public_key_of(a), *pkb = public_key_of(b);
  rosenpass_server s[2];
  OK(rosenpass_server_create(a, NULL, 0, &s[0]));
  OK(rosenpass_server_create(b, NULL, 0, &s[1]));
  char buf[8];
  CHECK_RC(rosenpass_server_listen_address(s[0], 0, buf, sizeof buf), ROSENPASS_E_ARGUMENT);
  for (int i = 0; i < 2; ++i) {
    g_addr[i].sin_family = AF_INET;
    g_addr[i].sin_port = htons((uint16_t)(5000 + i));
    g_addr[i].sin_addr.s_addr = htonl(0x0a000001u + (uint32_t)i); /* 10.0.0.1, 10.0.0.2 */
    OK(rosenpass_server_set_send_callback(s[i], host_send, (void *)(intptr_t)i));
  }
  add_peer(s[0], pkb, "10.0.0.2:5001");
  add_peer(s[1], pka, NULL);
  rosenpass_key_event ev[2];
  int got[2] = {0, 0};
  for (int round = 0; round < 200 && !(got[0] && got[1]); ++round) {
    OK(rosenpass_server_process(s[0]));
    OK(rosenpass_server_process(s[1]));
    while (g_net_len > 0) {
      struct packet p = g_net[0];
      memmove(g_net, g_net + 1, (size_t)--g_net_len * sizeof g_net[0]);
      OK(rosenpass_server_feed(s[p.to], p.bytes, p.len, (const struct sockaddr *)&p.from,
                               sizeof p.from));
    }
    for (int i = 0; i < 2; ++i) {
      if (!got[i] && rosenpass_server_next_event(s[i], &ev[i]) == ROSENPASS_OK) got[i] = 1;
    }
  }
  CHECK(got[0] && got[1]);
  CHECK(memcmp(ev[0].key, ev[1].key, ROSENPASS_KEY_SIZE) == 0);
  /* feed() is for host-fed servers only. */
  rosenpass_server with_socket = loopback_server(a);
  CHECK_RC(rosenpass_server_feed(with_socket, ev[0].key, 1, (const struct sockaddr *)&g_addr[0],
                                 sizeof g_addr[0]),
           ROSENPASS_E_STATE);
  CHECK_RC(rosenpass_server_set_send_callback(with_socket, host_send, NULL), ROSENPASS_E_STATE);
  /* Garbage is dropped, not an error. */
  uint8_t junk[100] = {1, 2, 3};
  OK(rosenpass_server_feed(s[0], junk, sizeof junk, (const struct sockaddr *)&g_addr[1],
                           sizeof g_addr[1]));
  OK(rosenpass_server_feed(s[0], junk, 0, (const struct sockaddr *)&g_addr[1], sizeof g_addr[1]));
  rosenpass_server_destroy(with_socket);
  rosenpass_server_destroy(s[0]);
  rosenpass_server_destroy(s[1]);
  rosenpass_keypair_destroy(a);
  rosenpass_keypair_destroy(b);
  free(pka);
  free(pkb);
}

/* Generate, save, load back: the same public key; files are 0600 / 0644 and complete. */
static void test_keypair_files(void) {
  rosenpass_keypair g;
  OK(rosenpass_keypair_generate(&g));
  char *sk = path(g_tmp, "pqsk"), *pk = path(g_tmp, "pqpk");
  OK(rosenpass_keypair_save(g, sk, pk));
  struct stat st;
  CHECK(stat(sk, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size == ROSENPASS_SECRET_KEY_SIZE);
  CHECK(stat(pk, &st) == 0 && st.st_size == ROSENPASS_PUBLIC_KEY_SIZE);
  rosenpass_keypair l;
  OK(rosenpass_keypair_load_dir(g_tmp, &l));
  uint8_t *a = public_key_of(g), *b = public_key_of(l);
  CHECK(memcmp(a, b, ROSENPASS_PUBLIC_KEY_SIZE) == 0);
  CHECK(rosenpass_public_key_size() == ROSENPASS_PUBLIC_KEY_SIZE);
  CHECK(rosenpass_secret_key_size() == ROSENPASS_SECRET_KEY_SIZE);
  CHECK(rosenpass_psk_size() == ROSENPASS_PSK_SIZE && rosenpass_key_size() == ROSENPASS_KEY_SIZE);
  CHECK(rosenpass_peer_id_size() == ROSENPASS_PEER_ID_SIZE);
  CHECK(rosenpass_endpoint_max() == ROSENPASS_ENDPOINT_MAX);
  char expect[32];
  snprintf(expect, sizeof expect, "%d.%d.%d", ROSENPASS_VERSION_MAJOR, ROSENPASS_VERSION_MINOR,
           ROSENPASS_VERSION_PATCH);
  CHECK(strcmp(rosenpass_version(), expect) == 0);
  /* Key files that are missing or of the wrong size: an error naming the file. */
  rosenpass_keypair bad = {0};
  CHECK_RC(rosenpass_keypair_load(path(g_tmp, "missing"), pk, &bad), ROSENPASS_E_KEY_FILE);
  CHECK(strstr(rosenpass_last_error(), "missing") != NULL && bad.id == 0);
  CHECK_RC(rosenpass_keypair_load(sk, sk, &bad), ROSENPASS_E_KEY_FILE); /* pk of 13608 bytes */
  CHECK_RC(rosenpass_keypair_load_dir(path(g_tmp, "nodir"), &bad), ROSENPASS_E_KEY_FILE);
  CHECK_RC(rosenpass_keypair_save(g, path(g_tmp, "nodir/sk"), pk), ROSENPASS_E_IO);
  rosenpass_keypair_destroy(g);
  rosenpass_keypair_destroy(l);
  free(a);
  free(b);
}

/* Null handles and null pointers: error codes, never a crash. */
static void test_null_arguments(void) {
  rosenpass_keypair nk = {0};
  rosenpass_server ns = {0};
  rosenpass_peer np = {0};
  uint8_t buf[ROSENPASS_PSK_SIZE];
  char text[ROSENPASS_ENDPOINT_MAX];
  int fd, t;
  rosenpass_key_event ev;
  rosenpass_peer_status st = {.struct_size = sizeof st};
  rosenpass_peer_config pc;
  rosenpass_peer_config_init(&pc);
  rosenpass_peer_config_init(NULL);

  CHECK_RC(rosenpass_keypair_generate(NULL), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_keypair_load(NULL, "x", &nk), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_keypair_load("x", NULL, &nk), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_keypair_load("x", "y", NULL), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_keypair_load_dir(NULL, &nk), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_keypair_save(nk, "a", "b"), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_keypair_save(nk, NULL, "b"), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_keypair_public_key(nk, NULL, 0), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_keypair_destroy(nk), ROSENPASS_E_HANDLE);

  CHECK_RC(rosenpass_server_create(nk, NULL, 0, &ns), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_create(nk, NULL, 0, NULL), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_server_destroy(ns), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_listen_address(ns, 0, text, sizeof text), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_add_peer(ns, &pc, &np), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_update_peer(ns, np, &pc), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_peer_set_endpoint(ns, np, NULL), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_remove_peer(ns, np), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_peer_get_status(ns, np, &st), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_set_key_callback(ns, NULL, NULL), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_next_event(ns, &ev), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_wait_event(ns, 0, &ev), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_start(ns), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_stop(ns), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_fd(ns, &fd), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_timeout(ns, &t), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_process(ns), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_set_send_callback(ns, NULL, NULL), ROSENPASS_E_HANDLE);
  struct sockaddr_in sin = {.sin_family = AF_INET};
  CHECK_RC(rosenpass_server_feed(ns, buf, 1, (struct sockaddr *)&sin, sizeof sin), ROSENPASS_E_HANDLE);

  /* A live server with NULL out-pointers. */
  rosenpass_keypair a = load_pair("a");
  rosenpass_server s = loopback_server(a);
  CHECK_RC(rosenpass_server_add_peer(s, NULL, &np), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_server_add_peer(s, &pc, NULL), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &np), ROSENPASS_E_ARGUMENT); /* no public key */
  CHECK_RC(rosenpass_server_listen_address(s, 0, NULL, 10), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_server_listen_address(s, 1, text, sizeof text), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_peer_get_status(s, np, NULL), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_peer_get_status(s, np, &st), ROSENPASS_E_HANDLE); /* zero peer */
  CHECK_RC(rosenpass_server_next_event(s, NULL), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_server_wait_event(s, 0, NULL), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_server_fd(s, NULL), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_server_timeout(s, NULL), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_server_feed(s, NULL, 0, NULL, 0), ROSENPASS_E_ARGUMENT);
  CHECK_RC(rosenpass_server_next_event(s, &ev), ROSENPASS_E_EMPTY);
  CHECK_RC(rosenpass_server_wait_event(s, 10, &ev), ROSENPASS_E_TIMEOUT);
  /* Bad addresses and values. */
  const char *bad_listen[] = {"not an address"};
  rosenpass_server s2;
  CHECK_RC(rosenpass_server_create(a, bad_listen, 1, &s2), ROSENPASS_E_ADDRESS);
  CHECK_RC(rosenpass_server_create(a, NULL, 1, &s2), ROSENPASS_E_ARGUMENT);
  uint8_t *pk = public_key_of(a);
  pc.public_key = pk;
  pc.public_key_len = ROSENPASS_PUBLIC_KEY_SIZE;
  pc.protocol = 99;
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &np), ROSENPASS_E_ARGUMENT);
  pc.protocol = ROSENPASS_PROTOCOL_V03;
  pc.endpoint = "no-port-here";
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &np), ROSENPASS_E_ADDRESS);
  pc.endpoint = NULL;
  pc.public_key_path = "also-set";
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &np), ROSENPASS_E_ARGUMENT);
  pc.public_key = NULL;
  pc.public_key_len = 0;
  pc.public_key_path = path(g_tmp, "missing-pk");
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &np), ROSENPASS_E_KEY_FILE);
  CHECK(strstr(rosenpass_last_error(), "missing-pk") != NULL);
  pc.public_key_path = NULL;
  pc.public_key = pk;
  pc.public_key_len = ROSENPASS_PUBLIC_KEY_SIZE;
  const char *labels[] = {"a", NULL};
  pc.osk_organization = "org";
  pc.osk_labels = labels;
  pc.n_osk_labels = 2;
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &np), ROSENPASS_E_ARGUMENT);
  pc.n_osk_labels = 1;
  OK(rosenpass_server_add_peer(s, &pc, &np));
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &np), ROSENPASS_E_DUPLICATE);
  CHECK(strcmp(rosenpass_strerror(ROSENPASS_E_DUPLICATE), "peer already configured") == 0);
  CHECK(strcmp(rosenpass_strerror(12345), "unknown status code") == 0);
  rosenpass_wipe(NULL, 10);
  rosenpass_server_destroy(s);
  rosenpass_keypair_destroy(a);
  free(pk);
}

/* Wrong sizes: buffers and structs. */
static void test_wrong_sizes(void) {
  rosenpass_keypair a = load_pair("a");
  uint8_t *pk = public_key_of(a);
  CHECK_RC(rosenpass_keypair_public_key(a, pk, ROSENPASS_PUBLIC_KEY_SIZE - 1), ROSENPASS_E_SIZE);
  CHECK_RC(rosenpass_keypair_public_key(a, pk, ROSENPASS_PUBLIC_KEY_SIZE + 1), ROSENPASS_E_SIZE);
  rosenpass_server s = loopback_server(a);
  char small[4];
  CHECK_RC(rosenpass_server_listen_address(s, 0, small, sizeof small), ROSENPASS_E_SIZE);
  rosenpass_peer_config pc;
  rosenpass_peer_config_init(&pc);
  pc.public_key = pk;
  pc.public_key_len = 32;
  rosenpass_peer p;
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &p), ROSENPASS_E_SIZE);
  pc.public_key_len = ROSENPASS_PUBLIC_KEY_SIZE;
  uint8_t psk[33] = {0};
  pc.psk = psk;
  pc.psk_len = 33;
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &p), ROSENPASS_E_SIZE);
  pc.psk_len = 31;
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &p), ROSENPASS_E_SIZE);
  pc.psk_len = ROSENPASS_PSK_SIZE;
  pc.struct_size = sizeof pc - 8;
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &p), ROSENPASS_E_SIZE);
  pc.struct_size = 0;
  CHECK_RC(rosenpass_server_add_peer(s, &pc, &p), ROSENPASS_E_SIZE);
  pc.struct_size = sizeof pc;
  OK(rosenpass_server_add_peer(s, &pc, &p));
  pc.psk_len = 16;
  CHECK_RC(rosenpass_server_update_peer(s, p, &pc), ROSENPASS_E_SIZE);
  rosenpass_peer_status st;
  memset(&st, 0, sizeof st);
  st.struct_size = 8;
  CHECK_RC(rosenpass_peer_get_status(s, p, &st), ROSENPASS_E_SIZE);
  st.struct_size = sizeof st;
  OK(rosenpass_peer_get_status(s, p, &st));
  CHECK(st.has_key == 0 && st.keys_exchanged == 0 && st.last_key_age_ms == -1);
  struct sockaddr_in sin = {.sin_family = AF_INET};
  rosenpass_server fed;
  OK(rosenpass_server_create(a, NULL, 0, &fed));
  CHECK_RC(rosenpass_server_feed(fed, psk, 1, (struct sockaddr *)&sin, 2), ROSENPASS_E_SIZE);
  CHECK_RC(rosenpass_server_feed(fed, psk, 1, (struct sockaddr *)&sin, 0), ROSENPASS_E_SIZE);
  rosenpass_server_destroy(fed);
  rosenpass_server_destroy(s);
  rosenpass_keypair_destroy(a);
  free(pk);
}

/* Stale handles: destroyed objects, removed peers, a peer of another server, calls after
 * destroy, and destroy waking a waiting thread. */
static void *wait_thread(void *arg) {
  rosenpass_server *s = arg;
  rosenpass_key_event ev;
  return (void *)(intptr_t)rosenpass_server_wait_event(*s, -1, &ev);
}

static void test_stale_handles(void) {
  rosenpass_keypair a = load_pair("a"), b = load_pair("b");
  uint8_t *pkb = public_key_of(b);
  rosenpass_server s1 = loopback_server(a), s2 = loopback_server(a);
  rosenpass_peer p = add_peer(s1, pkb, NULL);
  rosenpass_peer_status st = {.struct_size = sizeof st};
  /* Peer handles are per server. */
  CHECK_RC(rosenpass_peer_get_status(s2, p, &st), ROSENPASS_E_HANDLE);
  OK(rosenpass_server_remove_peer(s1, p));
  CHECK_RC(rosenpass_server_remove_peer(s1, p), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_peer_set_endpoint(s1, p, "127.0.0.1:1"), ROSENPASS_E_HANDLE);
  rosenpass_peer_config pc;
  rosenpass_peer_config_init(&pc);
  CHECK_RC(rosenpass_server_update_peer(s1, p, &pc), ROSENPASS_E_HANDLE);
  /* Re-adding the same key gives a new handle; the old one stays invalid. */
  rosenpass_peer p2 = add_peer(s1, pkb, NULL);
  CHECK(p2.id != p.id);
  CHECK_RC(rosenpass_peer_get_status(s1, p, &st), ROSENPASS_E_HANDLE);
  OK(rosenpass_peer_get_status(s1, p2, &st));

  /* Key pairs: a server keeps its own copy after the key pair is destroyed. */
  OK(rosenpass_keypair_destroy(a));
  CHECK_RC(rosenpass_keypair_destroy(a), ROSENPASS_E_HANDLE);
  uint8_t *buf = malloc(ROSENPASS_PUBLIC_KEY_SIZE);
  CHECK_RC(rosenpass_keypair_public_key(a, buf, ROSENPASS_PUBLIC_KEY_SIZE), ROSENPASS_E_HANDLE);
  rosenpass_server none;
  CHECK_RC(rosenpass_server_create(a, NULL, 0, &none), ROSENPASS_E_HANDLE);
  CHECK(none.id == 0);
  OK(rosenpass_peer_get_status(s1, p2, &st));

  /* A thread blocked in wait_event returns ROSENPASS_E_CLOSED when the server goes. */
  OK(rosenpass_server_start(s1));
  pthread_t th;
  CHECK(pthread_create(&th, NULL, wait_thread, &s1) == 0);
  usleep(50 * 1000);
  rosenpass_server dead = s1;
  OK(rosenpass_server_destroy(s1));
  void *res;
  pthread_join(th, &res);
  CHECK((int)(intptr_t)res == ROSENPASS_E_CLOSED);
  /* Every call after destroy: an error code. */
  CHECK_RC(rosenpass_server_destroy(dead), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_start(dead), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_process(dead), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_server_add_peer(dead, &pc, &p), ROSENPASS_E_HANDLE);
  CHECK_RC(rosenpass_peer_get_status(dead, p2, &st), ROSENPASS_E_HANDLE);
  rosenpass_key_event ev;
  CHECK_RC(rosenpass_server_next_event(dead, &ev), ROSENPASS_E_HANDLE);
  /* A forged handle. */
  rosenpass_server forged = {dead.id + 1000};
  CHECK_RC(rosenpass_server_process(forged), ROSENPASS_E_HANDLE);
  rosenpass_server_destroy(s2);
  rosenpass_keypair_destroy(b);
  free(pkb);
  free(buf);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s CASE TEST_DATA_DIR TMP_DIR\n", argv[0]);
    return 2;
  }
  g_data = argv[2];
  g_tmp = argv[3];
  static const struct {
    const char *name;
    void (*fn)(void);
  } cases[] = {
      {"keying_threads", test_keying_threads}, {"keying_host_loop", test_keying_host_loop},
      {"keying_host_fed", test_keying_host_fed}, {"keypair_files", test_keypair_files},
      {"null_arguments", test_null_arguments},   {"wrong_sizes", test_wrong_sizes},
      {"stale_handles", test_stale_handles},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    if (strcmp(argv[1], cases[i].name) == 0) {
      mkdir(g_tmp, 0700);
      cases[i].fn();
      printf("%s: ok\n", cases[i].name);
      return 0;
    }
  }
  fprintf(stderr, "unknown case %s\n", argv[1]);
  return 2;
}
