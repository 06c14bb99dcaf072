// Kyber.CPAPKE (specification v3.02, algorithms 4-6): the IND-CPA public-key encryption
// under the KEM. All randomness comes in as arguments.
#pragma once

#include <cstdint>
#include <span>

#include "params.h"

namespace rosenpass::kem::kyber512::detail {

// pk = t_hat || rho and sk = s_hat from the 32-byte seed d.
void cpa_keypair(std::span<uint8_t, kCpaPublicKeyBytes> pk,
                 std::span<uint8_t, kCpaSecretKeyBytes> sk, std::span<const uint8_t, kSymBytes> d);

// Encrypts the 32-byte message under pk with the 32 bytes of coins.
void cpa_encrypt(std::span<uint8_t, kCpaCiphertextBytes> ct,
                 std::span<const uint8_t, kCpaPublicKeyBytes> pk,
                 std::span<const uint8_t, kSymBytes> message,
                 std::span<const uint8_t, kSymBytes> coins);

void cpa_decrypt(std::span<uint8_t, kSymBytes> message,
                 std::span<const uint8_t, kCpaCiphertextBytes> ct,
                 std::span<const uint8_t, kCpaSecretKeyBytes> sk);

}  // namespace rosenpass::kem::kyber512::detail
