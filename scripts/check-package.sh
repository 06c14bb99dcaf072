#!/usr/bin/env bash
# CI step: packages from an existing build tree, checked as a user would meet them.
#
#   scripts/check-package.sh BUILD_DIR      (as root; CI: build-release, already built)
#
#  1. builds the install targets (nothing to do in CI's full Release tree);
#  2. makes the Debian packages with CPack (packaging/cpack.cmake) and runs lintian on them
#     (tags we accept are listed and explained in packaging/deb/lintian-accepted);
#  3. installs them with dpkg -i; checks the units with `systemd-analyze verify` and their
#     `systemd-analyze security` exposure (fails above RP_MAX_EXPOSURE, default 1.9: the
#     reference's unit scores 2.0 on this machine, docs/install.md);
#  4. from the installed /usr/bin/rosenpass: gen-keys, then two exchange-config daemons on
#     loopback until both key_out files hold the same key, stopped by PID;
#  5. purges the package and checks that no file or directory it installed is left, nor
#     /etc/rosenpass;
#  6. builds the release tarball twice and compares the bytes.
# Needs: lintian, dpkg-dev, file, systemd (systemd-analyze; no running systemd), installed
# here if missing. Refuses to run when a rosenpass package is already installed.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
src="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$1" && pwd)"
max_exposure=${RP_MAX_EXPOSURE:-1.9}
t0=$(date +%s)
step() { echo "== [$(($(date +%s) - t0)) s] $*"; }

if dpkg-query -W -f='${Status}' rosenpass 2>/dev/null | grep -q 'install ok installed'; then
  echo "a rosenpass package is installed already; remove it first (dpkg --purge rosenpass)" >&2
  exit 1
fi
need=()
command -v lintian >/dev/null || need+=(lintian)
command -v dpkg-shlibdeps >/dev/null || need+=(dpkg-dev)
command -v file >/dev/null || need+=(file)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v xz >/dev/null || need+=(xz-utils)
if ((${#need[@]})); then
  step "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/rosenpass-pkgcheck.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if dpkg-query -W -f='${Status}' rosenpass 2>/dev/null | grep -q 'installed'; then
    dpkg --purge librosenpass-dev rosenpass >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step "building the install targets in $build"
targets=(rosenpass rp rosenpass-wireguard-broker-privileged
         rosenpass-wireguard-broker-socket-handler rosenpass_man_pages rosenpass_completions)
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log"; exit 1; }

step "Debian packages (cpack)"
(cd "$work" && cpack --config "$build/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; exit 1; }
debs=("$work"/deb/*.deb)
for d in "${debs[@]}"; do
  echo "-- $(basename "$d"): $(dpkg-deb -f "$d" Package Version Depends | tr '\n' ' ')"
  dpkg-deb -c "$d" | awk '{print "   " $6 ($7 ? " " $7 " " $8 : "")}'
done
runtime_deb=$(ls "$work"/deb/rosenpass_*.deb)
dpkg-deb -c "$runtime_deb" >"$work/runtime.list"
grep -q '\./usr/bin/rosenpass$' "$work/runtime.list" ||
  { echo "FAILED: no /usr/bin/rosenpass in the package" >&2; exit 1; }
[[ "$(dpkg-deb -f "$runtime_deb" Version)" =~ ^[0-9] ]] || exit 1
dpkg-deb -e "$runtime_deb" "$work/control"
grep -qx '/etc/rosenpass/example.toml' "$work/control/conffiles" ||
  { echo "FAILED: example.toml is not a conffile" >&2; exit 1; }

step "lintian"
suppress=$(awk '!/^#/ && NF {print $1}' "$src/packaging/deb/lintian-accepted" | paste -sd, -)
lintian --fail-on error,warning ${suppress:+--suppress-tags "$suppress"} --display-info "${debs[@]}" |
  tee "$work/lintian.log"
echo "-- lintian: $(grep -c . "$work/lintian.log" || true) tags shown (info level included), none at warning or error level; accepted: ${suppress:-none}"

step "dpkg -i"
dpkg -i "${debs[@]}" >/dev/null
packages=()
for d in "${debs[@]}"; do packages+=("$(dpkg-deb -f "$d" Package)"); done
for p in "${packages[@]}"; do dpkg -L "$p"; done | sort -u >"$work/installed-paths"
installed=$(grep -c . "$work/installed-paths")
echo "-- ${packages[*]}: $installed paths installed"

step "systemd units"
unitdir=/usr/lib/systemd/system
for u in rosenpass@.service rp@.service rosenpass.target; do
  [[ -f $unitdir/$u ]] || { echo "FAILED: $unitdir/$u missing" >&2; exit 1; }
done
grep -q '^ExecStart=/usr/bin/rosenpass exchange-config' "$unitdir/rosenpass@.service" || exit 1
# verify loads instances of the templates with the installed programs (ExecStart must exist).
(cd "$work" && systemd-analyze verify --man=no "$unitdir/rosenpass@wg0.service" \
   "$unitdir/rp@example.service" "$unitdir/rosenpass.target") 2>&1 | tee "$work/verify.log"
[[ ! -s "$work/verify.log" ]] || { echo "FAILED: systemd-analyze verify complained" >&2; exit 1; }
for u in rosenpass@wg0.service rp@example.service; do
  score=$(systemd-analyze security --offline=true "$unitdir/$u" 2>&1 |
          sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  echo "-- $u: exposure $score (limit $max_exposure)"
  awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s != "" && s <= m) }' ||
    { echo "FAILED: exposure of $u is '$score'" >&2; exit 1; }
done

step "installed rosenpass: gen-keys and a two-daemon exchange on loopback"
[[ "$(command -v rosenpass)" == /usr/bin/rosenpass ]] || { echo "FAILED: PATH" >&2; exit 1; }
/usr/bin/rosenpass --version
man -w rosenpass-exchange-config >/dev/null 2>&1 || [[ -f /usr/share/man/man1/rosenpass-exchange-config.1.gz ]]
k="$work/keys"
mkdir -m 0700 "$k"
/usr/bin/rosenpass gen-keys -s "$k/a.sk" -p "$k/a.pk"
/usr/bin/rosenpass gen-keys -s "$k/b.sk" -p "$k/b.pk"
[[ "$(stat -c %a "$k/a.sk")" == 600 ]] || { echo "FAILED: secret key mode" >&2; exit 1; }
port_a=$((20000 + RANDOM % 20000)); port_b=$((port_a + 1))
write_config() {  # NAME OWN_PORT PEER PEER_PORT
  cat >"$k/$1.toml" <<EOF
public_key = "$k/$1.pk"
secret_key = "$k/$1.sk"
listen = ["127.0.0.1:$2"]
verbosity = "Quiet"

[[peers]]
public_key = "$k/$3.pk"
endpoint = "127.0.0.1:$4"
key_out = "$k/$1.osk"
EOF
}
write_config a "$port_a" b "$port_b"
write_config b "$port_b" a "$port_a"
/usr/bin/rosenpass validate "$k/a.toml" "$k/b.toml" 2>&1 | tee "$work/validate.log"
grep -c 'passed all logical checks' "$work/validate.log" | grep -qx 2 || exit 1
/usr/bin/rosenpass exchange-config "$k/a.toml" >"$k/a.out" 2>"$k/a.err" & pids+=($!)
/usr/bin/rosenpass exchange-config "$k/b.toml" >"$k/b.out" 2>"$k/b.err" & pids+=($!)
for _ in $(seq 1 300); do  # up to 30 s
  [[ -s $k/a.osk && -s $k/b.osk ]] && cmp -s "$k/a.osk" "$k/b.osk" && break
  sleep 0.1
done
if ! { [[ -s $k/a.osk ]] && cmp -s "$k/a.osk" "$k/b.osk"; }; then
  echo "FAILED: no common key" >&2; cat "$k"/*.out "$k"/*.err >&2; exit 1
fi
echo "-- both daemons wrote the same key ($(wc -c <"$k/a.osk") bytes); stdout: $(head -c 90 "$k/a.out")"
status=0
for pid in "${pids[@]}"; do kill -TERM "$pid"; wait "$pid" || status=$?; done
pids=()
[[ $status -eq 0 ]] || { echo "FAILED: a daemon exited with $status" >&2; exit 1; }

step "dpkg --purge; nothing left behind"
dpkg --purge "${packages[@]}" >/dev/null
left=0
while read -r p; do
  [[ -e $p || -L $p ]] || continue
  # Directories other packages own too (/usr, /usr/share/man/man1, ...) stay, as they should.
  if [[ -d $p && ! -L $p ]] && dpkg -S "$p" >/dev/null 2>&1; then continue; fi
  echo "left behind: $p" >&2; left=1
done <"$work/installed-paths"
[[ ! -e /etc/rosenpass ]] || { echo "left behind: /etc/rosenpass" >&2; left=1; }
((left == 0)) || { echo "FAILED: purge left files" >&2; exit 1; }
echo "-- all $installed paths gone"

step "release tarball, twice"
cmake --build "$build" --target release-tarball >"$work/tar1.log" 2>&1 || { cat "$work/tar1.log"; exit 1; }
tarball=$(ls "$build"/rosenpass-*-linux.tar.gz)
cp "$tarball" "$work/first.tar.gz"
touch "$build/tools/rosenpass/rosenpass"  # a newer mtime must not change the tarball
cmake --build "$build" --target release-tarball >"$work/tar2.log" 2>&1 || { cat "$work/tar2.log"; exit 1; }
cmp "$tarball" "$work/first.tar.gz" || { echo "FAILED: tarball not reproducible" >&2; exit 1; }
tar -tzvf "$tarball" >"$work/tar.list"
for f in bin/rosenpass bin/rp lib/systemd/system/rosenpass@.service lib/systemd/system/rp@.service \
         lib/systemd/system/rosenpass.target share/man/man1/rosenpass.1.gz; do
  grep -q " $f\$" "$work/tar.list" || { echo "FAILED: $f not in the tarball" >&2; exit 1; }
done
awk '$2 != "0/0" { bad = 1 } END { exit bad }' "$work/tar.list" || { echo "FAILED: owners" >&2; exit 1; }
echo "-- $(basename "$tarball"): $(grep -c . "$work/tar.list") entries, sha256 $(sha256sum "$tarball" | cut -c1-16)…, identical twice"

step "OK (packages, lintian, units, installed exchange, purge, tarball)"
