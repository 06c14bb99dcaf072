#include "rosenpass/daemon/result.h"

namespace rosenpass::daemon {

std::string Error::chain() const {
  std::string out = message;
  if (!causes.empty()) {
    out += "\n\nCaused by:";
    // Like anyhow's report: a single cause is not numbered, several are numbered from 0.
    if (causes.size() == 1) return out + "\n    " + causes[0];
    for (std::size_t i = 0; i < causes.size(); ++i) {
      out += "\n    " + std::to_string(i) + ": " + causes[i];
    }
  }
  return out;
}

Error Error::context(std::string outer) const {
  Error e{std::move(outer), {message}};
  e.causes.insert(e.causes.end(), causes.begin(), causes.end());
  return e;
}

}  // namespace rosenpass::daemon
