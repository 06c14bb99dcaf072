/* Two Rosenpass servers in one process exchange a key over loopback, in the order a mesh VPN
 * (NetBird) uses: start, add the peer without endpoint, set the endpoint once known,
 * receive the key (install it as the WireGuard PSK), remove the peer. */
#include <rosenpass/rosenpass.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check(int rc, const char *what) {
  if (rc != ROSENPASS_OK) {
    fprintf(stderr, "%s: %s: %s\n", what, rosenpass_strerror(rc), rosenpass_last_error());
    exit(1);
  }
  return rc;
}

int main(void) {
  rosenpass_keypair ka, kb;
  check(rosenpass_keypair_generate(&ka), "generate a");
  check(rosenpass_keypair_generate(&kb), "generate b");
  uint8_t *pka = malloc(rosenpass_public_key_size()), *pkb = malloc(rosenpass_public_key_size());
  check(rosenpass_keypair_public_key(ka, pka, rosenpass_public_key_size()), "public key a");
  check(rosenpass_keypair_public_key(kb, pkb, rosenpass_public_key_size()), "public key b");

  const char *listen[] = {"127.0.0.1:0"};
  rosenpass_server a, b;
  check(rosenpass_server_create(ka, listen, 1, &a), "server a");
  check(rosenpass_server_create(kb, listen, 1, &b), "server b");
  check(rosenpass_server_start(a), "start a");
  check(rosenpass_server_start(b), "start b");

  /* The peers, as a signalling service would announce them: public keys, no endpoints. */
  rosenpass_peer_config pc;
  rosenpass_peer_config_init(&pc);
  pc.public_key = pkb;
  pc.public_key_len = rosenpass_public_key_size();
  rosenpass_peer b_at_a, a_at_b;
  check(rosenpass_server_add_peer(a, &pc, &b_at_a), "add b to a");
  pc.public_key = pka;
  check(rosenpass_server_add_peer(b, &pc, &a_at_b), "add a to b");

  /* The tunnel is up: b's endpoint becomes known to a. */
  char addr_b[ROSENPASS_ENDPOINT_MAX];
  check(rosenpass_server_listen_address(b, 0, addr_b, sizeof addr_b), "address of b");
  check(rosenpass_peer_set_endpoint(a, b_at_a, addr_b), "endpoint");

  rosenpass_key_event ea, eb;
  check(rosenpass_server_wait_event(a, 60000, &ea), "key at a");
  check(rosenpass_server_wait_event(b, 60000, &eb), "key at b");
  int same = memcmp(ea.key, eb.key, sizeof ea.key) == 0;
  printf("a and b exchanged a key with each other: %s\n", same ? "the same key" : "DIFFERENT KEYS");
  rosenpass_wipe(ea.key, sizeof ea.key);
  rosenpass_wipe(eb.key, sizeof eb.key);

  check(rosenpass_server_remove_peer(a, b_at_a), "remove");
  check(rosenpass_server_destroy(a), "destroy a");
  check(rosenpass_server_destroy(b), "destroy b");
  rosenpass_keypair_destroy(ka);
  rosenpass_keypair_destroy(kb);
  free(pka);
  free(pkb);
  return same ? 0 : 1;
}
