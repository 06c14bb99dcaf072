# Without flakes: nix-build (uses <nixpkgs>), or import it from a configuration.
{ pkgs ? import <nixpkgs> { } }:
pkgs.callPackage ./packaging/nix/package.nix { src = ./.; }
