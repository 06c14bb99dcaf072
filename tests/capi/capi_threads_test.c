/* Thread safety of the C API (run under ThreadSanitizer by scripts/check-tsan.sh): while two
 * servers key with each other over loopback (one on its own thread, one driven by a host
 * thread), other threads add and remove peers, set endpoints, read status and wait for
 * events on the same server; then it is destroyed while they are still calling it.
 * `capi_threads_test TEST_DATA_DIR`. */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rosenpass/rosenpass.h"

#define CHECK(cond)                                                                    \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      fprintf(stderr, "%s:%d: CHECK failed: %s (%s)\n", __FILE__, __LINE__, #cond,     \
              rosenpass_last_error());                                                 \
      exit(1);                                                                         \
    }                                                                                  \
  } while (0)

static rosenpass_server g_a, g_b;
static rosenpass_peer g_b_at_a;
static char g_addr_b[ROSENPASS_ENDPOINT_MAX];
static atomic_int g_stop;
static atomic_int g_keys_a, g_keys_b;
static atomic_int g_after_destroy_ok; /* calls that succeeded after destroy returned: must stay 0 */
static atomic_int g_destroyed;

static void on_key_b(void *ctx, const rosenpass_key_event *ev) {
  (void)ctx;
  if (ev->kind == ROSENPASS_KEY_EXCHANGED) atomic_fetch_add(&g_keys_b, 1);
}

/* Drives b from this thread (host event loop). */
static void *drive_b(void *arg) {
  (void)arg;
  struct pollfd pfd = {.events = POLLIN};
  CHECK(rosenpass_server_fd(g_b, &pfd.fd) == ROSENPASS_OK);
  while (!atomic_load(&g_stop)) {
    int t;
    CHECK(rosenpass_server_timeout(g_b, &t) == ROSENPASS_OK);
    poll(&pfd, 1, t > 50 ? 50 : t);
    CHECK(rosenpass_server_process(g_b) == ROSENPASS_OK);
  }
  return NULL;
}

/* Waits for a's events (queue). */
static void *wait_a(void *arg) {
  (void)arg;
  for (;;) {
    rosenpass_key_event ev;
    int rc = rosenpass_server_wait_event(g_a, 100, &ev);
    if (rc == ROSENPASS_OK) {
      atomic_fetch_add(&g_keys_a, 1);
      rosenpass_wipe(ev.key, sizeof ev.key);
    } else if (rc == ROSENPASS_E_CLOSED || rc == ROSENPASS_E_HANDLE) {
      return NULL;
    } else {
      CHECK(rc == ROSENPASS_E_TIMEOUT);
    }
  }
}

/* Reads status and timers of a, and sets b's endpoint again and again. */
static void *poke_a(void *arg) {
  (void)arg;
  unsigned n = 0;
  for (;;) {
    int destroyed = atomic_load(&g_destroyed);
    rosenpass_peer_status st = {.struct_size = sizeof st};
    int rc = rosenpass_peer_get_status(g_a, g_b_at_a, &st);
    int t, fd;
    int rc2 = rosenpass_server_timeout(g_a, &t);
    int rc3 = rosenpass_server_fd(g_a, &fd);
    int rc4 = (n++ % 16 == 0) ? rosenpass_peer_set_endpoint(g_a, g_b_at_a, g_addr_b) : ROSENPASS_OK;
    if (destroyed) {
      if (rc == ROSENPASS_OK || rc2 == ROSENPASS_OK || rc3 == ROSENPASS_OK) {
        atomic_fetch_add(&g_after_destroy_ok, 1);
      }
      return NULL;
    }
    /* Racing with destroy, any call may find the handle gone; nothing else may fail. */
    int rcs[4] = {rc, rc2, rc3, rc4}, gone = 0;
    for (int i = 0; i < 4; ++i) {
      if (rcs[i] != ROSENPASS_OK) {
        CHECK(rcs[i] == ROSENPASS_E_HANDLE && atomic_load(&g_stop));
        gone = 1;
      }
    }
    if (gone) return NULL;
    usleep(1000);
  }
}

/* Adds and removes peers with made-up public keys on a. */
static void *churn_a(void *arg) {
  (void)arg;
  uint8_t *pk = malloc(ROSENPASS_PUBLIC_KEY_SIZE);
  CHECK(pk);
  for (unsigned i = 0; !atomic_load(&g_stop); ++i) {
    memset(pk, (int)(i & 0xff), ROSENPASS_PUBLIC_KEY_SIZE);
    memcpy(pk, &i, sizeof i);
    rosenpass_peer_config pc;
    rosenpass_peer_config_init(&pc);
    pc.public_key = pk;
    pc.public_key_len = ROSENPASS_PUBLIC_KEY_SIZE;
    rosenpass_peer p;
    int rc = rosenpass_server_add_peer(g_a, &pc, &p);
    if (rc == ROSENPASS_E_HANDLE) break;
    CHECK(rc == ROSENPASS_OK);
    rc = rosenpass_server_remove_peer(g_a, p);
    CHECK(rc == ROSENPASS_OK || rc == ROSENPASS_E_HANDLE);
    usleep(2000);
  }
  free(pk);
  return NULL;
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  char sk[512], pk[512];
  rosenpass_keypair ka, kb;
  snprintf(sk, sizeof sk, "%s/peer_a_sk.bin", argv[1]);
  snprintf(pk, sizeof pk, "%s/peer_a_pk.bin", argv[1]);
  CHECK(rosenpass_keypair_load(sk, pk, &ka) == ROSENPASS_OK);
  snprintf(sk, sizeof sk, "%s/peer_b_sk.bin", argv[1]);
  snprintf(pk, sizeof pk, "%s/peer_b_pk.bin", argv[1]);
  CHECK(rosenpass_keypair_load(sk, pk, &kb) == ROSENPASS_OK);
  uint8_t *pka = malloc(ROSENPASS_PUBLIC_KEY_SIZE), *pkb = malloc(ROSENPASS_PUBLIC_KEY_SIZE);
  CHECK(rosenpass_keypair_public_key(ka, pka, ROSENPASS_PUBLIC_KEY_SIZE) == ROSENPASS_OK);
  CHECK(rosenpass_keypair_public_key(kb, pkb, ROSENPASS_PUBLIC_KEY_SIZE) == ROSENPASS_OK);
  const char *listen[] = {"127.0.0.1:0"};
  CHECK(rosenpass_server_create(ka, listen, 1, &g_a) == ROSENPASS_OK);
  CHECK(rosenpass_server_create(kb, listen, 1, &g_b) == ROSENPASS_OK);
  CHECK(rosenpass_server_listen_address(g_b, 0, g_addr_b, sizeof g_addr_b) == ROSENPASS_OK);
  rosenpass_peer_config pc;
  rosenpass_peer_config_init(&pc);
  pc.public_key = pkb;
  pc.public_key_len = ROSENPASS_PUBLIC_KEY_SIZE;
  CHECK(rosenpass_server_add_peer(g_a, &pc, &g_b_at_a) == ROSENPASS_OK);
  pc.public_key = pka;
  rosenpass_peer a_at_b;
  CHECK(rosenpass_server_add_peer(g_b, &pc, &a_at_b) == ROSENPASS_OK);
  CHECK(rosenpass_server_set_key_callback(g_b, on_key_b, NULL) == ROSENPASS_OK);
  CHECK(rosenpass_server_start(g_a) == ROSENPASS_OK);

  pthread_t th[4];
  CHECK(pthread_create(&th[0], NULL, drive_b, NULL) == 0);
  CHECK(pthread_create(&th[1], NULL, wait_a, NULL) == 0);
  CHECK(pthread_create(&th[2], NULL, poke_a, NULL) == 0);
  CHECK(pthread_create(&th[3], NULL, churn_a, NULL) == 0);
  CHECK(rosenpass_peer_set_endpoint(g_a, g_b_at_a, g_addr_b) == ROSENPASS_OK);

  time_t deadline = time(NULL) + 300;
  while ((atomic_load(&g_keys_a) == 0 || atomic_load(&g_keys_b) == 0) && time(NULL) < deadline) {
    usleep(20 * 1000);
  }
  CHECK(atomic_load(&g_keys_a) > 0 && atomic_load(&g_keys_b) > 0);

  /* Destroy a while the other threads are still calling it. */
  atomic_store(&g_stop, 1);
  CHECK(rosenpass_server_destroy(g_a) == ROSENPASS_OK);
  atomic_store(&g_destroyed, 1);
  for (int i = 0; i < 4; ++i) pthread_join(th[i], NULL);
  CHECK(atomic_load(&g_after_destroy_ok) == 0);
  CHECK(rosenpass_server_destroy(g_b) == ROSENPASS_OK);
  rosenpass_keypair_destroy(ka);
  rosenpass_keypair_destroy(kb);
  free(pka);
  free(pkb);
  printf("threads: ok (a: %d keys, b: %d keys)\n", atomic_load(&g_keys_a), atomic_load(&g_keys_b));
  return 0;
}
