#!/usr/bin/env bash
# Runs CMD inside a private D-Bus session with its own gnome-keyring Secret Service, so the
# Secret Service adapter can be tested for real on a headless machine (CI, containers).
#
#   scripts/with-secret-service.sh CMD [ARG...]
#
# The keyring lives in a temporary folder (never the user's own) and is unlocked with a throwaway
# password, unless WITH_SECRET_SERVICE_LOCKED=1, which leaves it locked to test refusals.
# Needs the Debian packages in .ci/apt-packages.txt. Exits with CMD's status.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 CMD [ARG...]" >&2
  exit 64
fi

for tool in dbus-run-session dbus-send gnome-keyring-daemon secret-tool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-secret-service: '$tool' is not installed. Install: sudo apt-get install gnome-keyring libsecret-tools dbus dbus-x11" >&2
    exit 127
  fi
done

if [[ "${WITH_SECRET_SERVICE_INNER:-}" != "1" ]]; then
  # Outer half: make a private folder, start a private session bus, re-run this script inside it.
  # Without a display, a locked keyring refuses at once instead of opening a password prompt.
  dir="$(mktemp -d "${TMPDIR:-/tmp}/with-secret-service.XXXXXX")"
  trap 'rm -rf "$dir"' EXIT
  status=0
  env -u DISPLAY -u WAYLAND_DISPLAY WITH_SECRET_SERVICE_INNER=1 WITH_SECRET_SERVICE_DIR="$dir" \
    dbus-run-session -- "$0" "$@" || status=$?
  exit "$status"
fi

# Inner half: we are inside the private bus. Start the keyring daemon in the foreground (so we know
# its pid and can stop it), storing its keyrings under the private folder.
unset WITH_SECRET_SERVICE_INNER
dir="$WITH_SECRET_SERVICE_DIR"
mkdir -m 700 "$dir/data" "$dir/control"
unlock=(--unlock)
password="with-secret-service-$$"
if [[ "${WITH_SECRET_SERVICE_LOCKED:-}" == "1" ]]; then
  unlock=()
  password=""
fi
printf '%s' "$password" |
  XDG_DATA_HOME="$dir/data" gnome-keyring-daemon --foreground "${unlock[@]}" --components=secrets \
    --control-directory="$dir/control" >"$dir/daemon.log" 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true' EXIT

# Wait (up to 10 s) until the daemon owns org.freedesktop.secrets on the bus; otherwise D-Bus
# activation could start a second daemon with the user's real keyring folder.
ready=""
for _ in $(seq 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
    ready=1
    break
  fi
  kill -0 "$daemon" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  echo "with-secret-service: gnome-keyring-daemon did not start:" >&2
  cat "$dir/daemon.log" >&2
  exit 1
fi

unset WITH_SECRET_SERVICE_DIR WITH_SECRET_SERVICE_LOCKED
status=0
"$@" || status=$?
exit "$status"
