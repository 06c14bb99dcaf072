#include "rosenpass/daemon/key_output.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rosenpass/base/io.h"
#include "rosenpass/daemon/debug_quote.h"

namespace rosenpass::daemon {

std::string output_key_line(std::string_view peer_id_b64, const std::string& key_out_path,
                            KeyEventKind kind) {
  return "output-key peer " + std::string(peer_id_b64) + " key-file " + debug_quote(key_out_path) +
         (kind == KeyEventKind::kExchanged ? " exchanged" : " stale");
}

Status write_stdout_line(const std::string& line) {
  const std::string text = line + "\n";
  if (int err = base::write_all(STDOUT_FILENO, std::span(text.data(), text.size())); err != 0) {
    return Error{"could not write key notification to stdout", {std::strerror(err)}};
  }
  return ok_status();
}

}  // namespace rosenpass::daemon
