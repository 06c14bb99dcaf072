// Two Rosenpass servers in one process exchange keys over loopback, with the header-only C++
// wrapper: owning handles, exceptions carrying the library's message.
#include <rosenpass/rosenpass.hpp>

#include <algorithm>
#include <iostream>

int main() try {
  auto ka = rosenpass::KeyPair::generate();
  auto kb = rosenpass::KeyPair::generate();
  rosenpass::Server a(ka, {"127.0.0.1:0"});
  rosenpass::Server b(kb, {"127.0.0.1:0"});
  auto pka = ka.public_key(), pkb = kb.public_key();
  auto b_at_a = a.add_peer(rosenpass::PeerOptions().public_key(pkb).endpoint(b.listen_address(0)));
  b.add_peer(rosenpass::PeerOptions().public_key(pka));
  a.start();
  b.start();
  rosenpass_key_event ea{}, eb{};
  if (!a.wait_event(60000, ea) || !b.wait_event(60000, eb)) {
    std::cerr << "no key within a minute\n";
    return 1;
  }
  bool same = std::equal(std::begin(ea.key), std::end(ea.key), std::begin(eb.key));
  auto st = a.status(b_at_a);
  std::cout << "keys exchanged: " << st.keys_exchanged << ", endpoint " << st.endpoint
            << (same ? ", both sides hold the same key\n" : ", DIFFERENT KEYS\n");
  rosenpass_wipe(ea.key, sizeof ea.key);
  rosenpass_wipe(eb.key, sizeof eb.key);
  return same ? 0 : 1;
} catch (const rosenpass::Error& e) {
  std::cerr << e.what() << "\n";
  return 1;
}
