#include "rosenpass/crypto/secure_memory.h"

#include <sodium.h>
#include <sys/mman.h>

#include <array>
#include <bit>
#include <cstdio>
#include <mutex>
#include <new>
#include <vector>

#include "sodium_init.h"

namespace rosenpass::crypto {
namespace {

// Small secrets (keys, chaining keys, cookie values) are carved from locked 64 KiB slabs;
// one mlock per slab instead of one per value keeps a handshake free of syscalls.
constexpr std::size_t kSlabSize = 64 * 1024;
constexpr std::size_t kMinClass = 32;
constexpr std::size_t kMaxClass = 4096;
constexpr std::size_t kClasses = 8;  // 32, 64, ..., 4096

std::size_t class_index(std::size_t size) {
  std::size_t rounded = std::bit_ceil(std::max(size, kMinClass));
  return static_cast<std::size_t>(std::countr_zero(rounded) - std::countr_zero(kMinClass));
}

class SlabAllocator {
 public:
  void* allocate(std::size_t size) {
    std::size_t idx = class_index(size);
    std::lock_guard lock(mu_);
    auto& list = free_[idx];
    if (list.empty()) refill(idx);
    void* p = list.back();
    list.pop_back();
    return p;
  }

  void release(void* p, std::size_t size) {
    std::size_t idx = class_index(size);
    secure_zero(p, kMinClass << idx);
    std::lock_guard lock(mu_);
    free_[idx].push_back(p);
  }

 private:
  void refill(std::size_t idx) {
    void* slab =
        mmap(nullptr, kSlabSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (slab == MAP_FAILED) throw std::bad_alloc();
    if (mlock(slab, kSlabSize) != 0 && !warned_) {
      warned_ = true;
      std::fputs(
          "warning: could not lock secret memory (RLIMIT_MEMLOCK?); secrets may be swapped\n",
          stderr);
    }
#ifdef MADV_DONTDUMP
    madvise(slab, kSlabSize, MADV_DONTDUMP);
#endif
    std::size_t step = kMinClass << idx;
    for (std::size_t off = kSlabSize; off >= step; off -= step) {
      free_[idx].push_back(static_cast<uint8_t*>(slab) + off - step);
    }
  }

  std::mutex mu_;
  std::array<std::vector<void*>, kClasses> free_;
  bool warned_ = false;
};

SlabAllocator& slabs() {
  // Never destroyed: secrets in static objects may be freed during exit.
  static auto* s = new SlabAllocator();
  return *s;
}

}  // namespace

void* secure_alloc(std::size_t size) {
  if (size <= kMaxClass) return slabs().allocate(size);
  // Large secrets (a McEliece secret key) are rare: libsodium's guarded, locked allocation.
  ensure_sodium();
  void* p = sodium_malloc(size);
  if (!p) throw std::bad_alloc();
  sodium_memzero(p, size);
  return p;
}

void secure_free(void* p, std::size_t size) noexcept {
  if (!p) return;
  if (size <= kMaxClass) {
    slabs().release(p, size);
  } else {
    sodium_free(p);  // zeroes before unmapping
  }
}

void secure_zero(void* p, std::size_t size) noexcept {
  sodium_memzero(p, size);
}

}  // namespace rosenpass::crypto
