# The "separate host" pattern (docs/install.md): Rosenpass runs on its own host and writes each
# peer's key with key_out; the WireGuard host fetches it over ssh every minute and sets it as
# the peer's PSK. This module is for the WireGuard host: no Rosenpass installed there.
{ config, lib, pkgs, ... }:

let
  cfg = config.services.rosenpassKeySync;
  inherit (lib) mkEnableOption mkOption mkIf types;
in
{
  options.services.rosenpassKeySync = {
    enable = mkEnableOption "fetching Rosenpass keys from a separate Rosenpass host";
    wgInterface = mkOption {
      type = types.str;
      example = "wg0";
      description = "WireGuard interface on this host.";
    };
    rpHost = mkOption {
      type = types.str;
      example = "root@rosenpass-host";
      description = "ssh destination of the host that runs rosenpass.";
    };
    peerPubkey = mkOption {
      type = types.str;
      description = "WireGuard public key of the peer whose PSK is set.";
    };
    remoteKeyPath = mkOption {
      type = types.str;
      example = "/var/lib/rosenpass/peer.osk";
      description = "The peer's key_out file on the Rosenpass host.";
    };
    interval = mkOption {
      type = types.str;
      default = "1m";
      description = "How often to fetch (systemd time span; a key is renewed every ~2 min).";
    };
  };

  config = mkIf cfg.enable {
    systemd.services.rosenpass-key-sync = {
      description = "Fetch the Rosenpass PSK for ${cfg.wgInterface} from ${cfg.rpHost}";
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      path = [ pkgs.openssh pkgs.wireguard-tools ];
      # key_out holds 44 base64 characters and no newline (spec §2.3): `wg` reads it as is.
      script = ''
        set -euo pipefail
        ssh -o BatchMode=yes ${lib.escapeShellArg cfg.rpHost} \
          cat ${lib.escapeShellArg cfg.remoteKeyPath} \
          | wg set ${lib.escapeShellArg cfg.wgInterface} \
              peer ${lib.escapeShellArg cfg.peerPubkey} preshared-key /dev/stdin
      '';
      serviceConfig.Type = "oneshot";
    };
    systemd.timers.rosenpass-key-sync = {
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnBootSec = "10s";
        OnUnitActiveSec = cfg.interval;
      };
    };
  };
}
