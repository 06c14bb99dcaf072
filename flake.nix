{
  description = "Rosenpass C++: post-quantum-secure key exchange for WireGuard";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: rec {
        rosenpass = pkgs.callPackage ./packaging/nix/package.nix { src = self; };
        default = rosenpass;
      });

      overlays.default = final: prev: {
        rosenpass-cpp = final.callPackage ./packaging/nix/package.nix { src = self; };
      };

      # services.rosenpass (the nixpkgs module's options, this package by default) and
      # services.rosenpassKeySync (the WireGuard host of the separate-host pattern).
      nixosModules = {
        rosenpass = import ./packaging/nix/module.nix;
        key-sync = import ./packaging/nix/key-sync.nix;
        default = { imports = [ self.nixosModules.rosenpass self.nixosModules.key-sync ]; };
      };
    };
}
