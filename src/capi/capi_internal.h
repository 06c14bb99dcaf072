// What the C API's translation units share: the handle registry, the thread's last error,
// and the guard that turns exceptions into status codes (nothing may unwind into C).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>

#include "rosenpass/kem/mceliece460896.h"
#include "rosenpass/rosenpass.h"

namespace rosenpass::capi {

// Records the detailed message of a failed call for rosenpass_last_error(); returns `code`.
int fail(int code, std::string message);
// Clears the thread's last error; returns ROSENPASS_OK.
int succeed();

// Objects behind handles, keyed by ids that are never reused (a 64-bit counter), so a stale
// or forged handle is looked up, not dereferenced. Calls hold a shared_ptr while they run:
// destroying a handle on one thread never frees an object another thread is using.
template <class T>
class Registry {
 public:
  uint64_t add(std::shared_ptr<T> obj) {
    std::lock_guard lock(mu_);
    uint64_t id = ++last_id_;
    objects_.emplace(id, std::move(obj));
    return id;
  }
  std::shared_ptr<T> find(uint64_t id) const {
    std::lock_guard lock(mu_);
    auto it = objects_.find(id);
    return it == objects_.end() ? nullptr : it->second;
  }
  // Takes the object out of the registry; later find()s fail.
  std::shared_ptr<T> remove(uint64_t id) {
    std::lock_guard lock(mu_);
    auto it = objects_.find(id);
    if (it == objects_.end()) return nullptr;
    auto obj = std::move(it->second);
    objects_.erase(it);
    return obj;
  }

 private:
  mutable std::mutex mu_;
  uint64_t last_id_ = 0;
  std::unordered_map<uint64_t, std::shared_ptr<T>> objects_;
};

// Runs `body` (returning a status), mapping any escaping exception to a status code.
template <class F>
int guarded(F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(ROSENPASS_E_NO_MEMORY, "out of memory (or of locked memory: see ulimit -l)");
  } catch (const std::exception& e) {
    return fail(ROSENPASS_E_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(ROSENPASS_E_INTERNAL, "internal error");
  }
}

// A key pair behind a rosenpass_keypair handle. Immutable after creation; servers copy it.
struct KeyPair {
  std::shared_ptr<const kem::mceliece460896::PublicKey> public_key;
  kem::mceliece460896::SecretKey secret_key;
};
Registry<KeyPair>& keypairs();

}  // namespace rosenpass::capi
