// Parameters of Classic McEliece 460896 and the byte layout of its keys and ciphertexts.
#pragma once

#include <cstddef>

namespace rosenpass::kem::mceliece460896::detail {

inline constexpr int kM = 13;                             // field GF(2^13)
inline constexpr int kFieldSize = 1 << kM;                // q = 8192
inline constexpr int kN = 4608;                           // code length
inline constexpr int kT = 96;                             // errors corrected
inline constexpr int kRows = kM * kT;                     // 1248 rows of the parity-check matrix
inline constexpr int kCols = kN - kRows;                  // 3360 columns of the public matrix T
inline constexpr std::size_t kRowBytes = kCols / 8;       // 420
inline constexpr std::size_t kSyndromeBytes = kRows / 8;  // 156
inline constexpr std::size_t kErrorBytes = kN / 8;        // 576
inline constexpr std::size_t kGoppaBytes = 2 * kT;        // 192
inline constexpr std::size_t kControlBytes = ((2 * kM - 1) * (kFieldSize / 2)) / 8;  // 12800

// Offsets in the 13,608-byte secret key delta || c || g || alpha || s.
inline constexpr std::size_t kSkDelta = 0;
inline constexpr std::size_t kSkPivots = 32;
inline constexpr std::size_t kSkGoppa = 40;
inline constexpr std::size_t kSkControl = kSkGoppa + kGoppaBytes;     // 232
inline constexpr std::size_t kSkReject = kSkControl + kControlBytes;  // 13032
inline constexpr std::size_t kSkSize = kSkReject + kErrorBytes;       // 13608

static_assert(kRowBytes * kRows == 524160);
static_assert(kSkSize == 13608);

}  // namespace rosenpass::kem::mceliece460896::detail
