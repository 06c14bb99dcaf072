// Standard padded base64 (RFC 4648 alphabet) for PSK files, key_out files and peer ids.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace rosenpass::daemon {

std::string base64_encode(std::span<const uint8_t> bytes);

// Strict decoding of text that must encode exactly out.size() bytes: standard alphabet,
// correct padding, no whitespace. Writes into `out` (which may be secret memory); false and
// `out` zeroed on any mismatch.
bool base64_decode_exact(std::string_view text, std::span<uint8_t> out);

}  // namespace rosenpass::daemon
