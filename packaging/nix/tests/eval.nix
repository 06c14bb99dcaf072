# nix-instantiate --eval --strict packaging/nix/tests/eval.nix
# Evaluates services.rosenpass and services.rosenpassKeySync with a stub lib (stub.nix) and
# checks the systemd units they produce. Any failed check throws, naming it.
let
  stub = import ./stub.nix;
  inherit (stub) lib pkgs;
  check = name: cond: if cond then true else throw "check failed: ${name}";
  hasInfix = infix: s: builtins.match ".*${infix}.*" s != null;

  rosenpassConfig = {
    services.rosenpass = {
      enable = true;
      package = pkgs.callPackage null { };
      defaultDevice = "wg0";
      settings = {
        public_key = "/etc/rosenpass/self.pk";
        secret_key = "/etc/rosenpass/self.sk";
        listen = [ "[::]:9999" ];
        verbosity = "Quiet";
        peers = [
          { public_key = "/etc/rosenpass/peer.pk"; endpoint = "peer:9999"; device = "wg0";
            peer = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; }
          # responder-only, key file only: the nulls must not reach the TOML file
          { public_key = "/etc/rosenpass/peer2.pk"; endpoint = null; device = null; peer = null;
            key_out = "/var/lib/rosenpass/peer2.osk"; }
        ];
      };
    };
  };
  rp = import ../module.nix { config = rosenpassConfig; inherit lib pkgs; };
  svc = rp.config.systemd.services.rosenpass;
  opts = rp.options.services.rosenpass;

  syncConfig.services.rosenpassKeySync = {
    enable = true; wgInterface = "mywg"; rpHost = "root@rphost"; interval = "1m";
    peerPubkey = "ZErZhjoSTiLCfPXl3TcnWyfvUtjP1mIQUH+2sRxI/wE=";
    remoteKeyPath = "/var/lib/rosenpass/peer.osk";
  };
  ks = import ../key-sync.nix { config = syncConfig; inherit lib pkgs; };
  disabled = import ../module.nix {
    config.services.rosenpass = rosenpassConfig.services.rosenpass // { enable = false; };
    inherit lib pkgs;
  };
in
builtins.all (x: x) [
  (check "the nixpkgs module's options exist"
    (builtins.all (o: opts ? ${o}) [ "enable" "package" "defaultDevice" "settings" ]))
  (check "settings is freeform TOML" (opts.settings.type.submodule.freeformType == "toml"))
  (check "peer device defaults to defaultDevice"
    ((opts.settings.type.submodule.options.peers.type.listOf.submodule.options.device.default)
      == "wg0"))
  (check "keys become credentials" (svc.serviceConfig.LoadCredential == [
    "pqpk:/etc/rosenpass/self.pk" "pqsk:/etc/rosenpass/self.sk" ]))
  (check "runs exchange-config" (hasInfix "exchange-config" svc.script))
  (check "runs our package" (hasInfix "/nix/store/stub-rosenpass/bin/rosenpass" svc.script))
  (check "dynamic user with CAP_NET_ADMIN only"
    (svc.serviceConfig.DynamicUser && svc.serviceConfig.CapabilityBoundingSet == [ "CAP_NET_ADMIN" ]))
  (check "assertions hold for a valid config"
    (builtins.all (a: a.assertion) rp.config.assertions))
  (check "disabled means no service" (disabled.config == { }))
  (check "key sync pipes ssh into wg set"
    (hasInfix "ssh .*'root@rphost'.*cat.*'/var/lib/rosenpass/peer.osk'.*wg set 'mywg'"
      (builtins.replaceStrings [ "\n" ] [ " " ] ks.config.systemd.services.rosenpass-key-sync.script)))
  (check "key sync timer every minute"
    (ks.config.systemd.timers.rosenpass-key-sync.timerConfig.OnUnitActiveSec == "1m"))
]
