#include "rosenpass/daemon/debug_quote.h"

#include <gtest/gtest.h>

#include "rosenpass/daemon/key_output.h"

namespace rosenpass::daemon {
namespace {

TEST(DebugQuote, MatchesRustDebugFormatting) {
  EXPECT_EQ(debug_quote("/tmp/a b.key"), "\"/tmp/a b.key\"");
  EXPECT_EQ(debug_quote("a\"b\\c'd"), "\"a\\\"b\\\\c'd\"");
  EXPECT_EQ(debug_quote(std::string("\t\r\n\0x", 5)), "\"\\t\\r\\n\\0x\"");
  EXPECT_EQ(debug_quote("\x7f"), "\"\\u{7f}\"");
  EXPECT_EQ(debug_quote("\xff"), "\"\\xFF\"");
  EXPECT_EQ(debug_quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(debug_quote("\xe2\x80\x8b"), "\"\\u{200b}\"");
}

TEST(KeyOutput, NotificationLine) {
  EXPECT_EQ(output_key_line("AAAA", "/x/out key", KeyEventKind::kExchanged),
            "output-key peer AAAA key-file \"/x/out key\" exchanged");
  EXPECT_EQ(output_key_line("AAAA", "k", KeyEventKind::kStale),
            "output-key peer AAAA key-file \"k\" stale");
}

}  // namespace
}  // namespace rosenpass::daemon
