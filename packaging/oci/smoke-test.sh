#!/usr/bin/env bash
# Runs the images built by build-from-scratch.sh. Where containers can be started (podman
# run), that is used; where the sandbox forbids it (here: crun cannot setrlimit), each image's
# root file system is mounted (buildah mount) and its programs run with chroot, which proves
# the image holds everything they load. Network: loopback only.
#
#   packaging/oci/smoke-test.sh TAG        (e.g. commit-d9a386c; as root)
#
# rosenpass image: gen-keys for two peers and the reference guide's two-container exchange in
# key-file mode (outfile), both keys equal. rp image: rp, wg and ip start.
set -euo pipefail
tag=${1:?usage: $0 TAG}
rosenpass_image=localhost/rosenpass-cpp/rosenpass:$tag
rp_image=localhost/rosenpass-cpp/rp:$tag
containers=() pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for c in "${containers[@]}"; do buildah umount "$c" >/dev/null 2>&1 || true; buildah rm "$c" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

if podman run --rm "$rosenpass_image" --version >/dev/null 2>&1; then
  echo "podman run works here: $(podman run --rm "$rosenpass_image" --version)"
else
  echo "podman run is not possible here ($(podman run --rm "$rosenpass_image" --version 2>&1 | tail -1)); using chroot"
fi

root=""
mount_image() {  # IMAGE: sets $root to the mounted root of a new working container
  local c; c=$(buildah from "$1"); containers+=("$c"); root=$(buildah mount "$c")
}
run_in() { local root=$1; shift; chroot "$root" "$@"; }

# Two containers of the rosenpass image (two roots), as in the reference's guide.
mount_image "$rosenpass_image"; server=$root
mount_image "$rosenpass_image"; client=$root
run_in "$server" /usr/local/bin/rosenpass --version
run_in "$server" /usr/local/bin/rosenpass gen-keys --public-key=workdir/server-public --secret-key=workdir/server-secret
run_in "$client" /usr/local/bin/rosenpass gen-keys --public-key=workdir/client-public --secret-key=workdir/client-secret
cp "$client/workdir/client-public" "$server/workdir/"
cp "$server/workdir/server-public" "$client/workdir/"
port=$((20000 + RANDOM % 20000))
(cd "$server" && exec chroot . /usr/local/bin/rosenpass exchange private-key workdir/server-secret \
   public-key workdir/server-public listen "127.0.0.1:$port" peer public-key workdir/client-public \
   outfile workdir/server-sharedkey) >/dev/null 2>&1 & pids+=($!)
(cd "$client" && exec chroot . /usr/local/bin/rosenpass exchange private-key workdir/client-secret \
   public-key workdir/client-public peer public-key workdir/server-public \
   endpoint "127.0.0.1:$port" outfile workdir/client-sharedkey) >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 1 300); do
  [[ -s $server/workdir/server-sharedkey ]] && cmp -s "$server/workdir/server-sharedkey" "$client/workdir/client-sharedkey" && break
  sleep 0.1
done
cmp "$server/workdir/server-sharedkey" "$client/workdir/client-sharedkey"
echo "rosenpass image: both containers hold the same key ($(wc -c <"$server/workdir/server-sharedkey") bytes)"

mount_image "$rp_image"; rp_root=$root
run_in "$rp_root" /usr/local/bin/rp help >/dev/null
run_in "$rp_root" /usr/bin/wg --version
run_in "$rp_root" /usr/bin/ip -V
run_in "$rp_root" /usr/local/bin/rosenpass-wireguard-broker-socket-handler --version
echo "rp image: rp, wg, ip and the brokers run"
