#include "rosenpass/daemon/key_output.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rosenpass/daemon/debug_quote.h"

namespace rosenpass::daemon {

std::string output_key_line(std::string_view peer_id_b64, const std::string& key_out_path,
                            KeyEventKind kind) {
  return "output-key peer " + std::string(peer_id_b64) + " key-file " + debug_quote(key_out_path) +
         (kind == KeyEventKind::kExchanged ? " exchanged" : " stale");
}

Status write_stdout_line(const std::string& line) {
  std::string text = line + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Error{"could not write key notification to stdout", {std::strerror(errno)}};
    }
    done += static_cast<std::size_t>(n);
  }
  return ok_status();
}

}  // namespace rosenpass::daemon
