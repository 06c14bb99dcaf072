#include "rosenpass/daemon/validate.h"

#include "rosenpass/daemon/config_safety.h"
#include "rosenpass/daemon/debug_quote.h"
#include "rosenpass/daemon/key_files.h"

namespace rosenpass::daemon {

Status validate_config(const Config& c, std::vector<std::string>& warnings,
                       MappedPublicKeys* mapped) {
  if (c.keypair) {
    const std::string hint =
        ": no such file. Consider running `rosenpass gen-keys` to generate a new keypair.";
    const auto& pk = c.keypair->public_key;
    const auto& sk = c.keypair->secret_key;
    auto pkf = probe_file(pk);
    if (!pkf.is_regular_file)
      return make_error("could not find public-key file " + debug_quote(pk) + hint);
    if (pkf.size != static_cast<off_t>(mce::kPublicKeySize)) {
      return make_error("could not load public-key file " + debug_quote(pk) + ": invalid key");
    }
    auto skf = probe_file(sk);
    if (!skf.is_regular_file)
      return make_error("could not find secret-key file " + debug_quote(sk) + hint);
    if (skf.size == static_cast<off_t>(mce::kLegacySecretKeySize)) {
      warnings.push_back("secret-key file " + debug_quote(sk) +
                         " has the 13568-byte layout of rosenpass v0.2.x; it is converted when "
                         "loaded (`rosenpass gen-keys` writes the current 13608-byte layout)");
    } else if (skf.size != static_cast<off_t>(mce::kSecretKeySize)) {
      return make_error("could not load secret-key file " + debug_quote(sk) + ": invalid key");
    }
  }
  for (std::size_t i = 0; i < c.peers.size(); ++i) {
    const auto& p = c.peers[i];
    const std::string n = "peer " + std::to_string(i);
    auto f = probe_file(p.public_key);
    if (!f.is_regular_file) {
      return make_error(n + " public-key file " + debug_quote(p.public_key) + " does not exist");
    }
    if (f.size != static_cast<off_t>(mce::kPublicKeySize)) {
      return make_error(n + " public-key file " + debug_quote(p.public_key) + " is invalid");
    }
    if (p.endpoint && !resolve_host_port(*p.endpoint)) {
      return make_error(n + " endpoint " + *p.endpoint + " can not be parsed to a socket address");
    }
    bool wg = p.wireguard && !p.wireguard->device.empty() && !p.wireguard->peer.empty();
    if (!p.key_out && !wg) {
      return make_error(n + " has neither `key_out` nor valid wireguard config defined");
    }
    if (p.osk_organization && !p.osk_label) {
      return make_error("Invalid OSK domain separation configuration for " + n +
                        ": Specified osk_organization but not osk_label in config file. You "
                        "need to specify both, or none.");
    }
    if (!p.osk_organization && p.osk_label) {
      return make_error("Invalid OSK domain separation configuration for " + n +
                        ": Specified osk_label but not osk_organization in config file. You "
                        "need to specify both, or none.");
    }
  }
  // Beyond the reference: configs that would run but never work or do harm (issue 18).
  return check_config_safety(c, warnings, std::nullopt, mapped);
}

}  // namespace rosenpass::daemon
