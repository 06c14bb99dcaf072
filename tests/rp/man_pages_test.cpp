// The hand-written man pages carry what application.md §1.8 and §6 ask of them.
#include <gtest/gtest.h>

#include <fstream>

namespace {

std::string page(const std::string& name) {
  std::ifstream f(std::string(RP_SOURCE_DIR) + "/docs/man/" + name);
  std::string roff{std::istreambuf_iterator<char>(f), {}};
  // Drop roff escapes for the dash and font changes so the checks read like rendered text.
  std::string text;
  for (std::size_t i = 0; i < roff.size(); ++i) {
    if (roff.compare(i, 2, "\\-") == 0) {
      text += '-';
      ++i;
    } else if (roff.compare(i, 3, "\\fB") == 0 || roff.compare(i, 3, "\\fR") == 0 ||
               roff.compare(i, 3, "\\fI") == 0) {
      i += 2;
    } else {
      text += roff[i];
    }
  }
  return text;
}

TEST(ManPages, RosenpassHasRequiredSectionsAndPhrases) {
  std::string p = page("rosenpass.1");
  for (const char* section :
       {".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH DESCRIPTION", ".SH EXIT STATUS",
        ".SH SEE ALSO", ".SH STANDARDS", ".SH AUTHORS", ".SH BUGS"}) {
    EXPECT_NE(p.find(section), std::string::npos) << section;
  }
  for (const char* phrase :
       {"[--log-level]", "rosenpass-exchange-config(1)",
        "Start Rosenpass key exchanges based on a configuration file",
        "https://rosenpass.eu/whitepaper.pdf", "PSK := preshared-key", "--psk-broker-spawn"}) {
    EXPECT_NE(p.find(phrase), std::string::npos) << phrase;
  }
}

TEST(ManPages, RpDocumentsEveryCommand) {
  std::string p = page("rp.1");
  for (const char* word :
       {".SH NAME", ".SH SYNOPSIS", "genkey", "pubkey", "exchange-config", "persistent-keepalive",
        "allowed-ips", "wireguard-go", ".SH EXIT STATUS"}) {
    EXPECT_NE(p.find(word), std::string::npos) << word;
  }
}

}  // namespace
