#!/usr/bin/env bash
# Finds or builds the Pulumi YAML language host (`pulumi-language-yaml`) and prints ONE line on
# stdout: the bin directory holding it, to put on PATH (`pulumi plugin install language yaml`
# is refused by this CLI, so PATH is how the engine finds it). Progress goes to stderr.
#
# 1. A `pulumi-language-yaml` already on PATH is used as it is.
# 2. Otherwise it is built once from the `github.com/pulumi/pulumi-yaml` Go module into a cache
#    OUTSIDE the repo keyed by version: ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cometapi/
#    pulumi-yaml-vX.Y.Z/bin. A throw-away wrapper module requires pulumi-yaml (which brings its own
#    pkg/sdk v3; pinning those to the CLI's version does not compile), `go mod tidy`, `go build`.
#    The build goes into a temporary directory renamed into place at the end. First build: ~2-5
#    minutes on 2 cores (it shares ~/go/pkg/mod with the CLI build).
#
# Environment:
#   COMETAPI_PULUMI_CACHE   override the cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cometapi)
#   COMETAPI_YAML_VERSION   the pulumi-yaml release (default below)
set -euo pipefail

# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

YAML_VERSION="${COMETAPI_YAML_VERSION:-v1.25.0}"
CACHE_ROOT="${COMETAPI_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cometapi}"
FINAL="$CACHE_ROOT/pulumi-yaml-$YAML_VERSION"
PKG="github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"

die() {
  cometapi_log "error: $*"
  exit 1
}

if found="$(command -v pulumi-language-yaml 2>/dev/null)"; then
  cometapi_log "using pulumi-language-yaml from PATH ($found)"
  dirname "$found"
  exit 0
fi

if [ -x "$FINAL/bin/pulumi-language-yaml" ]; then
  cometapi_log "Pulumi YAML language host $YAML_VERSION: $FINAL/bin"
  printf '%s\n' "$FINAL/bin"
  exit 0
fi

command -v go >/dev/null 2>&1 ||
  die "Go is needed once to build the Pulumi YAML language host. Fix: install Go >= 1.25 (https://go.dev/dl/)," \
    "or put an official pulumi-language-yaml on PATH."
mkdir -p "$CACHE_ROOT"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/.build-yaml.lock"
  flock 9
fi
if [ -x "$FINAL/bin/pulumi-language-yaml" ]; then
  printf '%s\n' "$FINAL/bin"
  exit 0
fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
start=$(date +%s)
tmp="$(mktemp -d "$CACHE_ROOT/.build-yaml-$YAML_VERSION.XXXXXX")"
step_pid=""
# shellcheck disable=SC2064 # expand $tmp now
trap "[ -z \"\$step_pid\" ] || kill -TERM \"\$step_pid\" 2>/dev/null; rm -rf '$tmp'" EXIT
trap 'exit 130' INT TERM
chmod 0755 "$tmp"
mkdir -p "$tmp/wrapper" "$tmp/bin"
printf 'module pulumi-cometapi.local/yamlhost\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi-yaml %s\n' \
  "$YAML_VERSION" >"$tmp/wrapper/go.mod"
printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$PKG" >"$tmp/wrapper/tools.go"

# Runs one step with its output in a log, reporting progress every 30 s.
step() { # $1 = log, $2 = description, rest = command
  local log="$1" what="$2" rc=0 last=0 now
  shift 2
  cometapi_log "$what ..."
  (cd "$tmp/wrapper" && exec "$@") >"$log" 2>&1 &
  step_pid=$!
  while kill -0 "$step_pid" 2>/dev/null; do
    sleep 2
    now=$(($(date +%s) - start))
    if [ $((now - last)) -ge 30 ]; then
      cometapi_log "  ... still working: ${now}s elapsed (one-time cost; cached in $FINAL)"
      last=$now
    fi
  done
  wait "$step_pid" || rc=$?
  step_pid=""
  if [ "$rc" -ne 0 ]; then
    tail -n 25 "$log" >&2
    cp "$log" "$CACHE_ROOT/build-yaml-failure.log"
    die "$what failed (rc=$rc; log: $CACHE_ROOT/build-yaml-failure.log)"
  fi
}

cometapi_log "building the Pulumi YAML language host $YAML_VERSION with $(go env GOVERSION) (one-time cost)"
step "$tmp/tidy.log" "resolving pulumi-yaml's Go modules" go mod tidy -e
step "$tmp/build.log" "compiling pulumi-language-yaml $YAML_VERSION" \
  go build -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION" \
  -o "$tmp/bin/pulumi-language-yaml" "$PKG"
echo "pulumi-language-yaml $YAML_VERSION built $(date -u +%Y-%m-%dT%H:%M:%SZ) with $(go env GOVERSION) in $(($(date +%s) - start))s" \
  >"$tmp/BUILD-INFO"
rm -rf "$tmp/wrapper"
[ ! -e "$FINAL" ] || rm -rf "$FINAL"
mv "$tmp" "$FINAL"
trap - EXIT
cometapi_log "built the Pulumi YAML language host in $(($(date +%s) - start))s: $FINAL/bin"
printf '%s\n' "$FINAL/bin"
