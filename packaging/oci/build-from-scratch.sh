#!/usr/bin/env bash
# Builds the `rosenpass` and `rp` images without any base image (none can be pulled here):
# `buildah from scratch`, then the programs from an existing build tree plus exactly the
# shared libraries they load (ldd) from this Debian 12 host, and for `rp` the host's `wg` and
# `ip` with theirs. Same entrypoints, working directory and contents as the Containerfile.
#
#   packaging/oci/build-from-scratch.sh BUILD_DIR        (as root; needs buildah)
#   TAG_AS_RELEASE=true TAG_AS_LATEST=true ...           (extra tags, as the reference)
#
# Tags: localhost/rosenpass-cpp/{rosenpass,rp}:commit-<sha> (+ <version>, latest).
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(cd "$1" && pwd)"
command -v buildah >/dev/null || { echo "needs buildah (apt-get install buildah)" >&2; exit 1; }
sha=$(git -C "$src" rev-parse --short HEAD)
version=$(sed -n 's/^project(rosenpass-cpp VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")

stage=$(mktemp -d /tmp/rosenpass-oci.XXXXXX)
containers=()
cleanup() {
  for c in "${containers[@]}"; do buildah rm "$c" >/dev/null 2>&1 || true; done
  rm -rf "$stage"
}
trap cleanup EXIT
DESTDIR="$stage/install" cmake --install "$build" --prefix /usr/local --component runtime \
  --strip >/dev/null

# copy_with_libs ROOT SRC DEST: SRC to ROOT/DEST, and SRC's shared libraries (ldd) to their
# own paths under ROOT.
copy_with_libs() {
  local root=$1 from=$2 to=$3 lib
  install -D -m 0755 "$from" "$root$to"
  for lib in $(ldd "$from" | awk '/=> \//{print $3} /^\t\/.*ld-linux/{print $1}'); do
    [[ -e "$root$lib" ]] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
  done
}

# base_root ROOT: the few files every image needs (users for `ls -l`, nsswitch for DNS).
base_root() {
  local root=$1
  mkdir -p "$root/etc" "$root/tmp" "$root/workdir" "$root/usr/local"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/usr/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
  cp -a "$stage/install/usr/local/share" "$root/usr/local/"
}

make_image() {  # NAME ENTRYPOINT ROOT
  local name=$1 entry=$2 root=$3 c
  c=$(buildah from scratch)
  containers+=("$c")
  local mnt; mnt=$(buildah mount "$c")
  cp -a "$root/." "$mnt/"
  buildah umount "$c" >/dev/null
  buildah config --entrypoint "[\"$entry\"]" --cmd '["--help"]' --workingdir / \
    --label org.opencontainers.image.title="$name" \
    --label org.opencontainers.image.revision="$sha" \
    --label org.opencontainers.image.version="$version" "$c"
  local image="localhost/rosenpass-cpp/$name:commit-$sha"
  buildah commit --rm --quiet "$c" "$image" >/dev/null
  containers=("${containers[@]/$c}")
  [[ ${TAG_AS_RELEASE:-} == true ]] && buildah tag "$image" "localhost/rosenpass-cpp/$name:$version"
  [[ ${TAG_AS_LATEST:-} == true ]] && buildah tag "$image" "localhost/rosenpass-cpp/$name:latest"
  echo "$image"
}

bin="$stage/install/usr/local/bin"
# rosenpass: key-file mode, no WireGuard tools.
r1="$stage/rosenpass"
base_root "$r1"
copy_with_libs "$r1" "$bin/rosenpass" /usr/local/bin/rosenpass
make_image rosenpass /usr/local/bin/rosenpass "$r1"

# rp: all our programs plus the host's wg and ip (Debian's wireguard-tools, iproute2).
r2="$stage/rp"
base_root "$r2"
for p in rp rosenpass rosenpass-wireguard-broker-privileged rosenpass-wireguard-broker-socket-handler; do
  copy_with_libs "$r2" "$bin/$p" "/usr/local/bin/$p"
done
copy_with_libs "$r2" "$(readlink -f "$(command -v wg)")" /usr/bin/wg
copy_with_libs "$r2" "$(readlink -f "$(command -v ip)")" /usr/bin/ip
if [[ -d /usr/share/iproute2 ]]; then mkdir -p "$r2/usr/share"; cp -a /usr/share/iproute2 "$r2/usr/share/"; fi
make_image rp /usr/local/bin/rp "$r2"
