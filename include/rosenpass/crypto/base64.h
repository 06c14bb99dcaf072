// Strict base64 (RFC 4648 standard alphabet, with padding), as Rosenpass key files use it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rosenpass::crypto {

std::string base64_encode(std::span<const uint8_t> data);

// Rejects bad characters, missing or wrong padding, non-zero trailing bits and whitespace.
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

// Decodes into exactly out.size() bytes (e.g. a Secret's storage); false on any error or a
// different length, with out zeroed. No intermediate copy of the decoded bytes is made.
[[nodiscard]] bool base64_decode_into(std::string_view text, std::span<uint8_t> out);

}  // namespace rosenpass::crypto
