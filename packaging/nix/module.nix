# NixOS module services.rosenpass, with the options of the nixpkgs module of the same name
# (enable, package, defaultDevice, settings), so a configuration written for it works here.
#
# The daemon runs as a dynamic user with CAP_NET_ADMIN only. The keys named in settings are
# passed in as systemd credentials (pqpk, pqsk) and the config handed to rosenpass names
# them under $CREDENTIALS_DIRECTORY; envsubst renders it into /run/rosenpass/config.toml.
# Our rosenpass sets WireGuard PSKs over netlink itself: no wireguard-tools on PATH needed.
{ config, lib, pkgs, ... }:

let
  cfg = config.services.rosenpass;
  toml = pkgs.formats.toml { };
  inherit (lib) mkEnableOption mkOption mkPackageOption mkIf types;

  # TOML has no null: unset optional keys (null) are left out, in the peers too.
  dropNulls = attrs: lib.filterAttrs (_: v: v != null) attrs;
  # settings with the key paths replaced by the credentials the unit loads.
  renderedSettings = dropNulls cfg.settings // {
    public_key = "\${CREDENTIALS_DIRECTORY}/pqpk";
    secret_key = "\${CREDENTIALS_DIRECTORY}/pqsk";
    peers = map (p: dropNulls p // { public_key = toString p.public_key; }) cfg.settings.peers;
  };
  configTemplate = toml.generate "rosenpass-config.toml" renderedSettings;
in
{
  options.services.rosenpass = {
    enable = mkEnableOption "Rosenpass, post-quantum key exchange for WireGuard";

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./package.nix { }";
      description = "The Rosenpass package (this repository's C++ implementation by default).";
    };

    defaultDevice = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "wg0";
      description = "WireGuard interface for peers that do not name their own `device`.";
    };

    settings = mkOption {
      description = "rosenpass exchange-config TOML (man rosenpass-exchange-config).";
      default = { };
      type = types.submodule {
        freeformType = toml.type;
        options = {
          public_key = mkOption {
            type = types.path;
            description = "Own Rosenpass public key file (copied in as a credential).";
          };
          secret_key = mkOption {
            type = types.path;
            description = "Own Rosenpass secret key file (copied in as a credential).";
          };
          listen = mkOption {
            type = types.listOf types.str;
            default = [ ];
            example = [ "[::]:9999" ];
            description = "Addresses to listen on; none means one ephemeral dual-stack port.";
          };
          verbosity = mkOption {
            type = types.enum [ "Quiet" "Verbose" ];
            default = "Quiet";
            description = "Log verbosity.";
          };
          peers = mkOption {
            default = [ ];
            description = "Peers to exchange keys with.";
            type = types.listOf (types.submodule {
              freeformType = toml.type;
              options = {
                public_key = mkOption {
                  type = types.path;
                  description = "The peer's Rosenpass public key file.";
                };
                endpoint = mkOption {
                  type = types.nullOr types.str;
                  default = null;
                  description = "host:port of the peer; null for a responder-only peer.";
                };
                device = mkOption {
                  type = types.nullOr types.str;
                  default = cfg.defaultDevice;
                  defaultText = lib.literalExpression "config.services.rosenpass.defaultDevice";
                  description = "WireGuard interface the PSK is set on.";
                };
                peer = mkOption {
                  type = types.nullOr types.str;
                  default = null;
                  description = "The peer's WireGuard public key (base64).";
                };
              };
            });
          };
        };
      };
    };
  };

  config = mkIf cfg.enable {
    assertions = map (p: {
      assertion = (p.device != null && p.peer != null) || p ? key_out;
      message = "services.rosenpass.settings.peers: each peer needs `device` (or "
        + "defaultDevice) and `peer` (WireGuard), or `key_out` (key file), or both";
    }) cfg.settings.peers;

    environment.systemPackages = [ cfg.package ];

    systemd.services.rosenpass = {
      description = "Rosenpass post-quantum key exchange";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      path = [ pkgs.envsubst ];
      script = ''
        envsubst -i ${configTemplate} -o "$RUNTIME_DIRECTORY/config.toml"
        exec ${lib.getExe cfg.package} exchange-config "$RUNTIME_DIRECTORY/config.toml"
      '';
      serviceConfig = {
        DynamicUser = true;
        AmbientCapabilities = [ "CAP_NET_ADMIN" ];
        CapabilityBoundingSet = [ "CAP_NET_ADMIN" ];
        LoadCredential = [
          "pqpk:${toString cfg.settings.public_key}"
          "pqsk:${toString cfg.settings.secret_key}"
        ];
        RuntimeDirectory = "rosenpass";
        RuntimeDirectoryMode = "0700";
        StateDirectory = "rosenpass"; # key_out files: /var/lib/rosenpass/...
        UMask = "0077";
        Restart = "on-failure";
        RestartSec = 5;
        ProtectSystem = "strict";
        ProtectHome = true;
        PrivateTmp = true;
        PrivateDevices = true;
        PrivateMounts = true;
        PrivateIPC = true;
        ProtectKernelTunables = true;
        ProtectKernelModules = true;
        ProtectKernelLogs = true;
        ProtectControlGroups = true;
        ProtectClock = true;
        ProtectHostname = true;
        ProtectProc = "invisible";
        ProcSubset = "pid";
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        LockPersonality = true;
        MemoryDenyWriteExecute = true;
        RestrictAddressFamilies = [ "AF_NETLINK" "AF_INET" "AF_INET6" ];
        SystemCallArchitectures = "native";
        SystemCallFilter = [ "@system-service" "~@privileged @resources" "capset seccomp" ];
      };
    };
  };
}
