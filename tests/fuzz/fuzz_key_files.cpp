// libFuzzer target: the key-file loaders (daemon/key_files.cpp): secret key (both layouts),
// public key, base64 PSK file. The input is the file's content, served from a memfd.
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "fuzz_util.h"
#include "rosenpass/daemon/key_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace rosenpass::daemon;
  int fd = ::memfd_create("fuzz-key", MFD_CLOEXEC);
  rosenpass::fuzz::check(fd >= 0, "memfd_create");
  for (std::size_t done = 0; done < size;) {
    ssize_t n = ::write(fd, data + done, size - done);
    rosenpass::fuzz::check(n > 0, "write");
    done += static_cast<std::size_t>(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  auto psk = load_psk(path);
  if (psk) rosenpass::fuzz::check(size >= 44, "a PSK from fewer than 44 characters");
  auto sk = load_secret_key(path);
  if (sk) {
    rosenpass::fuzz::check(size == mce::kSecretKeySize || size == mce::kLegacySecretKeySize,
                           "a secret key of another size");
  }
  auto pk = load_public_key(path);
  if (pk) rosenpass::fuzz::check(size == mce::kPublicKeySize, "a public key of another size");
  ::close(fd);
  return 0;
}
