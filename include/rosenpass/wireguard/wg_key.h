// WireGuard keys as text: standard padded base64 of 32 bytes (what `wg genkey/pubkey` print).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rosenpass/crypto/secret.h"

namespace rosenpass::wireguard {

using WgPublicKey = std::array<uint8_t, 32>;
using WgSecretKey = crypto::Secret<32>;  // private keys and pre-shared keys

// 44-character padded base64 of a 32-byte key.
std::string wg_key_to_base64(std::span<const uint8_t, 32> key);

// Decodes exactly 32 bytes of padded standard base64; one trailing LF, CR or CRLF is tolerated.
std::optional<WgPublicKey> wg_public_key_from_base64(std::string_view text);
std::optional<WgSecretKey> wg_secret_key_from_base64(std::string_view text);

// X25519 public key of a private key (with the standard clamping, as `wg pubkey`).
WgPublicKey wg_public_key_of(const WgSecretKey& secret);

// Writes 64 lowercase hex digits (the UAPI's key encoding) into `out`; the caller owns erasure.
void wg_key_to_hex(std::span<const uint8_t, 32> key, std::span<char, 64> out);
// Parses 64 hex digits (either case).
std::optional<WgPublicKey> wg_public_key_from_hex(std::string_view text);

}  // namespace rosenpass::wireguard
