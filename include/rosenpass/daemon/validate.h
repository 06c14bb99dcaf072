// The logical checks of application.md §3.5, run by `validate`, `exchange` and
// `exchange-config` before any key is loaded.
#pragma once

#include <string>
#include <vector>

#include "rosenpass/daemon/config.h"
#include "rosenpass/daemon/config_safety.h"
#include "rosenpass/daemon/result.h"

namespace rosenpass::daemon {

// The first failing check as the reference words it. Endpoints are resolved (DNS).
// Notes that are not errors (a v0.2.x secret-key layout) are appended to `warnings`.
// `mapped`: the daemon's start, see check_config_safety().
Status validate_config(const Config& config, std::vector<std::string>& warnings,
                       MappedPublicKeys* mapped = nullptr);

}  // namespace rosenpass::daemon
