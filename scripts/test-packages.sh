#!/usr/bin/env bash
# Brings the system tools the test suite needs, before it runs (`npm run check`, `npm test`).
# On Linux the real Secret Service tests need gnome-keyring, libsecret-tools and dbus (the Debian
# packages in .ci/apt-packages.txt). When one of their commands is missing, this installs the
# packages with apt-get, as root or through sudo without a password, and otherwise stops at once
# with the one command to run. Anywhere else (macOS) it does nothing.
#
#   TEST_TOOLS="a b"          the commands to look for (default: the four the tests run)
#   TEST_PACKAGES_DRY_RUN=1   print the install commands instead of running them
#   TEST_PACKAGES_SUDO=PATH   the sudo to use when not root (default: sudo)
set -euo pipefail
cd "$(dirname "$0")/.."

[[ "$(uname -s)" == Linux ]] || exit 0

missing=()
for tool in ${TEST_TOOLS:-dbus-run-session dbus-send gnome-keyring-daemon secret-tool}; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

packages=$(grep -vE '^[[:space:]]*(#|$)' .ci/apt-packages.txt | tr '\n' ' ')
packages=${packages% }
say() { echo "test-packages: $*" >&2; }
if ! command -v apt-get >/dev/null 2>&1; then
  say "${missing[*]} not installed. The Secret Service tests need gnome-keyring, libsecret-tools and dbus: install them with your package manager."
  exit 1
fi

sudo=${TEST_PACKAGES_SUDO:-sudo}
if [[ "$(id -u)" -eq 0 ]]; then
  as=()
elif command -v "$sudo" >/dev/null 2>&1 && "$sudo" -n true >/dev/null 2>&1; then
  as=("$sudo" -n)
else
  say "${missing[*]} not installed, and installing needs root. Run: sudo apt-get install -y $packages"
  exit 1
fi

run() {
  if [[ "${TEST_PACKAGES_DRY_RUN:-}" == 1 ]]; then echo "$*"; else "$@" >&2; fi
}
say "${missing[*]} not installed: installing $packages"
# shellcheck disable=SC2086
run ${as[@]+"${as[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
run ${as[@]+"${as[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages
[[ "${TEST_PACKAGES_DRY_RUN:-}" == 1 ]] && exit 0

for tool in "${missing[@]}"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    say "$tool is still missing after installing $packages."
    exit 1
  fi
done
