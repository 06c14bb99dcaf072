# A minimal stand-in for nixpkgs' lib and pkgs, enough to evaluate our modules without
# nixpkgs (CI has Debian's nix-bin and no network): options are recorded, not type-checked;
# config values must be given in full (no defaults are applied).
rec {
  lib = rec {
    mkOption = attrs: { _type = "option"; } // attrs;
    mkEnableOption = name: mkOption { description = "Whether to enable ${name}."; };
    mkPackageOption = _: name: _: mkOption { description = name; };
    mkIf = cond: value: if cond then value else { };
    literalExpression = text: { _type = "literalExpression"; inherit text; };
    filterAttrs = pred: set:
      builtins.listToAttrs (builtins.filter (kv: pred kv.name kv.value)
        (map (name: { inherit name; value = set.${name}; }) (builtins.attrNames set)));
    getExe = pkg: "${pkg}/bin/${pkg.meta.mainProgram}";
    escapeShellArg = s: "'${builtins.replaceStrings [ "'" ] [ "'\\''" ] s}'";
    platforms.linux = [ "x86_64-linux" ];
    types = {
      str = "str"; path = "path"; package = "package";
      nullOr = t: { nullOr = t; };
      listOf = t: { listOf = t; };
      enum = vs: { enum = vs; };
      submodule = m: { submodule = m; };
    };
  };
  # TOML files are checked for what TOML cannot hold (null) and then named by content.
  noNulls = v:
    if v == null then throw "null value in TOML settings"
    else if builtins.isAttrs v then builtins.all (n: noNulls v.${n}) (builtins.attrNames v)
    else if builtins.isList v then builtins.all noNulls v
    else true;
  pkgs = {
    formats.toml = _: {
      type = "toml";
      generate = name: value:
        assert noNulls value; "/nix/store/${builtins.hashString "sha256" (builtins.toJSON value)}-${name}";
    };
    callPackage = _: _: { outPath = "/nix/store/stub-rosenpass"; meta.mainProgram = "rosenpass"; };
    envsubst = "/nix/store/stub-envsubst";
    openssh = "/nix/store/stub-openssh";
    wireguard-tools = "/nix/store/stub-wireguard-tools";
  };
}
