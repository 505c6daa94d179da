#!/usr/bin/env bash
# Regenerates the committed SDKs in plugin-sdks/{nodejs,python,go} from schema.json with tools/sdkgen
# (a small Go program on Pulumi's pkg/v3/codegen). `--check` regenerates into a temp dir and fails
# when the committed SDKs differ (drift), which `npm test` does through test/e2e/generatedSdks.test.ts.
#
# The sdkgen binary is built once into a cache OUTSIDE the repo, keyed by the hash of its sources:
# ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cometapi/sdkgen-<hash>/sdkgen. First build: a few
# minutes on 2 cores (it shares ~/go/pkg/mod and the build cache with the CLI build).
#
# Usage: scripts/sdkgen.sh [--check] [--print-binary]
set -euo pipefail
# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$COMETAPI_REPO_ROOT"

CACHE_ROOT="${COMETAPI_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cometapi}"
hash="$(cat tools/sdkgen/go.mod tools/sdkgen/go.sum tools/sdkgen/main.go | sha256sum | cut -c1-16)"
bin="$CACHE_ROOT/sdkgen-$hash/sdkgen"

if [ ! -x "$bin" ]; then
  command -v go >/dev/null 2>&1 || { cometapi_log "error: Go >= 1.25 is needed once to build tools/sdkgen"; exit 1; }
  mkdir -p "$CACHE_ROOT"
  start=$(date +%s)
  cometapi_log "building tools/sdkgen (pkg/v3/codegen) into $CACHE_ROOT (one-time cost) ..."
  tmp="$(mktemp "$CACHE_ROOT/.sdkgen.XXXXXX")"
  (cd tools/sdkgen && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o "$tmp" .) &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    kill -0 "$pid" 2>/dev/null && cometapi_log "  ... still compiling sdkgen: $(($(date +%s) - start))s"
  done
  wait "$pid" || { rm -f "$tmp"; cometapi_log "error: building tools/sdkgen failed"; exit 1; }
  mkdir -p "$(dirname "$bin")"
  mv "$tmp" "$bin"
  cometapi_log "built sdkgen in $(($(date +%s) - start))s: $bin"
fi

if [ "${1:-}" = "--print-binary" ]; then
  printf '%s\n' "$bin"
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
  "$bin" schema.json "$out"
  if ! diff -r plugin-sdks "$out" >&2; then
    cometapi_log "error: plugin-sdks/ differs from what schema.json generates; run scripts/sdkgen.sh and commit plugin-sdks/"
    exit 1
  fi
  cometapi_log "plugin-sdks/ is what schema.json generates"
  exit 0
fi
"$bin" schema.json plugin-sdks
