// Connects the daemon's PskDelivery hook to rp_wireguard: native WireGuard by default, or a
// PSK broker chosen by --psk-broker-path / --psk-broker-fd / --psk-broker-spawn.
#pragma once

#include "rosenpass/daemon/cli.h"
#include "rosenpass/daemon/key_output.h"
#include "rosenpass/daemon/result.h"

namespace rosenpass::tools {

daemon::Result<daemon::PskDelivery> make_wireguard_delivery(const daemon::GlobalOptions& options);

}  // namespace rosenpass::tools
