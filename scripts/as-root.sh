# Sourced by the README's scripts: they install Debian packages and create network
# namespaces, so they run as root. As root nothing happens here (a fresh Debian 12 box has no
# sudo); otherwise the script is run again through sudo when there is one.
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    exec sudo -E -- "$PWD/scripts/$(basename "$0")" "$@"
  fi
  echo "$0: run this as root (it installs Debian packages and creates network namespaces)" >&2
  exit 1
fi
