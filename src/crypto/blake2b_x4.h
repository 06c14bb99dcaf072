// Four keyed BLAKE2b-256 hashes (RFC 7693) at once, one per 64-bit lane of a 256-bit vector:
// four independent messages of the same length cost about as much as one or two hashed one
// after another (the permutation's additions, XORs and rotations run on all lanes together).
// Used by keyed_hash_batch() for the independent 512 KiB hashes of public keys the first
// InitHello needs (issue 12: CPU to the first InitHello). Private to rp_crypto.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace rosenpass::crypto::detail {

// out[l] = BLAKE2b(key = key[l] (32 bytes), outlen = 32, msg[l][0 .. len)) for l < 4.
// Equal to libsodium's crypto_generichash_blake2b with the same arguments.
void blake2b256_keyed_x4(const std::array<const uint8_t*, 4>& key,
                         const std::array<const uint8_t*, 4>& msg, std::size_t len,
                         const std::array<uint8_t*, 4>& out) noexcept;

}  // namespace rosenpass::crypto::detail
