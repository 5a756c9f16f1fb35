#!/bin/sh
# Builds the Apple Foundation Models helper on a Mac (macOS 26+, Xcode 26 or its command line
# tools) and installs it where Local Brain looks for it: beside the default database, or at
# $BRAIN_APPLE_FM_HELPER when set. Untested here: the project's tests run on Linux against a fake
# helper speaking the same protocol.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
target=${BRAIN_APPLE_FM_HELPER:-"$HOME/Library/Application Support/local-brain/bin/local-brain-fm"}
cd "$root/apple-fm"
swift build -c release
mkdir -p "$(dirname "$target")"
cp "$(swift build -c release --show-bin-path)/local-brain-fm" "$target"
chmod 755 "$target"
echo "Installed $target"
printf '{"version":1,"op":"availability"}' | "$target"
echo
