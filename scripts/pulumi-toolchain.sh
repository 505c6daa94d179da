#!/usr/bin/env bash
# Finds or builds the Pulumi engine toolchain this repo's tests, demo and bench run on, and prints
# ONE line on stdout: the bin directory to put first on PATH. Progress goes to stderr.
#
# The directory holds these executables:
#   pulumi                          the CLI (engine)
#   pulumi-language-nodejs          the Node language host (needed for programs on disk, i.e. a
#                                   Pulumi.yaml; Automation API inline programs don't use it)
#   pulumi-resource-pulumi-nodejs   the dynamic-provider plugin: a copy of the shell script shipped
#                                   at the root of the @pulumi/pulumi npm package. It runs node on
#                                   `@pulumi/pulumi/cmd/dynamic-provider` resolved from its working
#                                   directory (the program's directory), so the copy is not tied to
#                                   this checkout.
#   pulumi-analyzer-policy          the analyzer plugin older engines look for on PATH to run a
#                                   Node policy pack (`--policy-pack DIR`): a copy of
#                                   examples/policy/pulumi-analyzer-policy, a small launcher for
#                                   `@pulumi/pulumi/cmd/run-policy-pack` (not shipped as a script in
#                                   the npm package). v3.276 runs a pack folder through the language
#                                   host instead, which the legacy v3.68 host below cannot do; there
#                                   the pack's own launcher is passed: `--policy-pack DIR/pulumi-analyzer-policy`.
#
# 1. A `pulumi` on PATH at version >= 3.200.0 with a `pulumi-language-nodejs` next to it or on PATH
#    is used as it is (an official install has both). If the plugin script is not next to it, a
#    small shim directory with symlinks to the three executables is printed instead.
# 2. Otherwise the CLI is built from Pulumi's Go modules, once, into a cache OUTSIDE the repo keyed
#    by version: ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cometapi/pulumi-vX.Y.Z/bin. The version is
#    the exact pin of devDependencies["@pulumi/pulumi"] in package.json. The build goes into a
#    temporary directory that is renamed into place at the end, so an interrupted build never leaves
#    a broken cache. Later runs take a second. First build: several minutes and ~1-2 GB of Go
#    module/build cache (~/go/pkg/mod, ~/.cache/go-build), which can be deleted afterwards.
#
# Language host caveat (version skew). The Node language host lives in its own, untagged Go module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3); it is fetched at the commit
# of the pinned pkg/v3 tag. Some module proxies (filtering mirrors) refuse every pseudo-version of
# it. Then the script falls back to the last release that still shipped the language host inside
# the github.com/pulumi/pulumi/sdk/v3 module: v3.68.0 (COMETAPI_LEGACY_LANGHOST). That old host
# speaks the same LanguageRuntime gRPC protocol for what a TypeScript program needs (Run with
# program/pwd, GetRequiredPlugins, GetPluginInfo) and launches the pinned @pulumi/pulumi's own
# `cmd/run`, which compiles TypeScript with the project's typescript + ts-node. (The 3.259+ engine
# first calls GetRequiredPackages, gets "unknown method", and falls back to GetRequiredPlugins;
# verified with preview/up/refresh/destroy of a TypeScript program with a dynamic resource, see
# test/e2e/engine.test.ts; `pulumi about` lists "language nodejs 3.68.0".) Newer features of
# the language host (e.g. `pulumi install`, package-manager detection, GetRequiredPackages,
# debugging) are not available with it. An official Pulumi install on PATH avoids the skew.
#
# Build flags follow the official build: GOTOOLCHAIN=local, CGO_ENABLED=0, -trimpath,
# -tags osusergo,grpcnotrace, version stamped via -ldflags -X ...common/version.Version.
#
# Environment:
#   COMETAPI_PULUMI_CACHE   override the cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cometapi)
#   COMETAPI_PULUMI_BUILD=1 ignore a `pulumi` on PATH and use (or build) the cached toolchain
set -euo pipefail

# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cometapi_ensure_node >/dev/null

MIN_CLI_MINOR=200 # accept an installed pulumi >= 3.200.0 (the pinned SDK is 3.276.x)
COMETAPI_LEGACY_LANGHOST="v3.68.0"
CACHE_ROOT="${COMETAPI_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cometapi}"
PLUGIN_SCRIPT="$COMETAPI_REPO_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
ANALYZER_SCRIPT="$COMETAPI_REPO_ROOT/examples/policy/pulumi-analyzer-policy"

die() {
  cometapi_log "error: $*"
  exit 1
}

# The exact @pulumi/pulumi pin, e.g. 3.276.0.
pinned_version() {
  local v
  v="$(node -p 'require(process.argv[1]).devDependencies["@pulumi/pulumi"] ?? ""' \
    "$COMETAPI_REPO_ROOT/package.json")"
  [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
    die "package.json devDependencies[\"@pulumi/pulumi\"] must be an exact version (found '$v')"
  printf '%s\n' "$v"
}

# Prints the version of the given pulumi binary without the leading "v" (empty on failure).
cli_version() {
  local out
  out="$(PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null | head -n1)" || true
  printf '%s\n' "${out#v}"
}

require_plugin_script() {
  [ -f "$PLUGIN_SCRIPT" ] ||
    die "$PLUGIN_SCRIPT is missing; run \`npm ci\` in $COMETAPI_REPO_ROOT first"
}

# Installs (or refreshes) the policy-pack analyzer launcher into $1.
install_analyzer() {
  cmp -s "$ANALYZER_SCRIPT" "$1/pulumi-analyzer-policy" || install -m 0755 "$ANALYZER_SCRIPT" "$1/pulumi-analyzer-policy"
}

# --- 1. an installed Pulumi CLI -------------------------------------------------------------------
use_installed_cli() {
  local cli version dir langhost shim
  cli="$(command -v pulumi 2>/dev/null)" || return 1
  version="$(cli_version "$cli")"
  [[ "$version" =~ ^3\.([0-9]+)\. ]] && [ "${BASH_REMATCH[1]}" -ge "$MIN_CLI_MINOR" ] || {
    cometapi_log "ignoring $cli (version '${version:-unknown}', need >= 3.$MIN_CLI_MINOR.0)"
    return 1
  }
  dir="$(cd "$(dirname "$(readlink -f "$cli")")" && pwd)"
  if [ -x "$dir/pulumi-language-nodejs" ]; then
    langhost="$dir/pulumi-language-nodejs"
  elif langhost="$(command -v pulumi-language-nodejs 2>/dev/null)"; then
    :
  else
    cometapi_log "ignoring $cli: no pulumi-language-nodejs next to it or on PATH"
    return 1
  fi
  if [ -x "$dir/pulumi-resource-pulumi-nodejs" ] && [ -x "$dir/pulumi-analyzer-policy" ] &&
    [ "$langhost" = "$dir/pulumi-language-nodejs" ]; then
    cometapi_log "using the installed Pulumi CLI v$version ($dir)"
    printf '%s\n' "$dir"
    return 0
  fi
  # A shim directory with all the executables, so that one PATH entry is enough.
  require_plugin_script
  shim="$CACHE_ROOT/installed-cli-shim/bin"
  mkdir -p "$shim"
  ln -sfn "$(readlink -f "$cli")" "$shim/pulumi"
  ln -sfn "$(readlink -f "$langhost")" "$shim/pulumi-language-nodejs"
  install -m 0755 "$PLUGIN_SCRIPT" "$shim/pulumi-resource-pulumi-nodejs"
  install_analyzer "$shim"
  cometapi_log "using the installed Pulumi CLI v$version ($dir) through $shim"
  printf '%s\n' "$shim"
}

# --- 2. the cached (or freshly built) toolchain ---------------------------------------------------
cache_is_valid() { # $1 = bin dir, $2 = version
  [ -x "$1/pulumi" ] && [ -x "$1/pulumi-language-nodejs" ] && [ -x "$1/pulumi-resource-pulumi-nodejs" ] &&
    [ "$(cli_version "$1/pulumi")" = "$2" ]
}

# Runs a command with its output in a log file, printing elapsed time every 30 s.
# Usage: run_step <log file> <description> <directory> <command...>
run_step() {
  local log="$1" what="$2" dir="$3" pid rc last=0 now
  local -a setsid=()
  shift 3
  # In its own process group where possible, so that an interrupt stops go and its compilers.
  if command -v setsid >/dev/null 2>&1; then setsid=(setsid); fi
  cometapi_log "$what ..."
  "${setsid[@]}" bash -c 'cd "$1" && shift && exec "$@"' run_step "$dir" "$@" >"$log" 2>&1 &
  pid=$!
  STEP_PID=$pid # killed by the EXIT trap if we are interrupted
  while kill -0 "$pid" 2>/dev/null; do
    sleep 2
    now=$(($(date +%s) - BUILD_START))
    if [ $((now - last)) -ge 30 ]; then
      cometapi_log "  ... still working: ${now}s elapsed (one-time cost; cached in $CACHE_ROOT)"
      last=$now
    fi
  done
  rc=0
  wait "$pid" || rc=$?
  STEP_PID=""
  if [ "$rc" -ne 0 ]; then
    tail -n 25 "$log" >&2
    # The temporary build dir is removed on exit: keep the log next to the cache.
    cp "$log" "$CACHE_ROOT/build-failure.log"
    log="$CACHE_ROOT/build-failure.log"
    if grep -qE 'reading https?://|[0-9]{3} [A-Z][a-z]+|not available|dial tcp|no such host|timeout' "$log"; then
      cometapi_log "the Go module proxy ($(go env GOPROXY)) refused or could not serve a module."
    fi
    if grep -q 'requires go >=' "$log"; then
      cometapi_log "your Go ($(go env GOVERSION)) is too old for Pulumi v$PULUMI_VERSION."
    fi
    die "$what failed (rc=$rc; full log: $log). Fix: install Go >= 1.25 from your package manager" \
      "(https://go.dev/dl/) and retry, or install the Pulumi CLI (https://www.pulumi.com/docs/install/)" \
      "and put it on PATH (it must include pulumi-language-nodejs, as the official install does)."
  fi
}

# Writes a throw-away wrapper module: requiring the modules from a module of our own (rather than
# `go install m@v`) is what lets the build ignore the replace directives of Pulumi's go.mod files.
write_wrapper() { # $1 = dir, $2 = package to build, rest = go.mod lines
  local dir="$1" pkg="$2"
  shift 2
  mkdir -p "$dir"
  {
    printf 'module pulumi-cometapi.local/wrapper\n\ngo 1.25\n\n'
    printf '%s\n' "$@"
  } >"$dir/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >"$dir/tools.go"
}

# `go build` flags of the official build; the version is stamped with -ldflags "$(stamp vX.Y.Z)".
GO_BUILD_FLAGS=(-mod=mod -trimpath -tags osusergo,grpcnotrace)
stamp() { printf -- '-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=%s' "$1"; }

build_toolchain() { # $1 = final dir (…/pulumi-vX.Y.Z)
  local final="$1" tmp bin cli_pkg lang_mod commit langhost_version
  command -v go >/dev/null 2>&1 ||
    die "the Pulumi CLI is not on PATH and Go is not installed to build it. Fix: install Go >= 1.25" \
      "from your package manager (https://go.dev/dl/), or install the Pulumi CLI" \
      "(https://www.pulumi.com/docs/install/) and put it on PATH."
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
  BUILD_START=$(date +%s)
  cometapi_log "building Pulumi CLI v$PULUMI_VERSION + Node language host with $(go env GOVERSION)"
  cometapi_log "(one-time cost of several minutes; later runs reuse $final)"

  mkdir -p "$CACHE_ROOT"
  tmp="$(mktemp -d "$CACHE_ROOT/.build-v$PULUMI_VERSION.XXXXXX")"
  # Interrupted: stop the running step (its subshell and the go command) and drop the temp dir.
  STEP_PID=""
  # shellcheck disable=SC2064 # expand $tmp now
  trap "[ -z \"\$STEP_PID\" ] || kill -TERM -- -\"\$STEP_PID\" 2>/dev/null || kill -TERM \"\$STEP_PID\" 2>/dev/null; rm -rf '$tmp'" EXIT
  trap 'exit 130' INT TERM
  chmod 0755 "$tmp" # mktemp -d makes it private
  bin="$tmp/bin"
  mkdir -p "$bin"

  # The CLI: module github.com/pulumi/pulumi/pkg/v3, tag pkg/vX.Y.Z.
  cli_pkg="github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
  write_wrapper "$tmp/cli" "$cli_pkg" \
    "require (" \
    "	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION" \
    "	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION" \
    ")" \
    "" \
    "replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"
  run_step "$tmp/cli-tidy.log" "resolving the CLI's Go modules" "$tmp/cli" go mod tidy -e
  run_step "$tmp/cli-build.log" "compiling pulumi v$PULUMI_VERSION" \
    "$tmp/cli" go build "${GO_BUILD_FLAGS[@]}" -ldflags "$(stamp "v$PULUMI_VERSION")" -o "$bin/pulumi" "$cli_pkg"

  # The language host: its own untagged module at the commit of the pkg/vX.Y.Z tag, which the
  # proxy reports as Origin.Hash of the pkg/v3 version. Fall back to the legacy sdk/v3 copy.
  lang_mod="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
  commit="$(cd "$tmp/cli" && go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).Origin?.Hash??"")}catch{console.log("")}})')"
  langhost_version=""
  if [ -n "$commit" ]; then
    write_wrapper "$tmp/lang" "$lang_mod" \
      "require github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION" \
      "require github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION" \
      "" \
      "replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"
    cometapi_log "fetching the Node language host at commit ${commit:0:12} ..."
    if (cd "$tmp/lang" && go get "$lang_mod@$commit") >"$tmp/lang-get.log" 2>&1; then
      run_step "$tmp/lang-tidy.log" "resolving the language host's Go modules" "$tmp/lang" go mod tidy -e
      run_step "$tmp/lang-build.log" "compiling pulumi-language-nodejs v$PULUMI_VERSION" \
        "$tmp/lang" go build "${GO_BUILD_FLAGS[@]}" -ldflags "$(stamp "v$PULUMI_VERSION")" \
        -o "$bin/pulumi-language-nodejs" "$lang_mod"
      langhost_version="v$PULUMI_VERSION"
    else
      cometapi_log "the module proxy does not serve $lang_mod@${commit:0:12}:"
      grep -m1 -oE '(403|404|410)[^"]*' "$tmp/lang-get.log" >&2 || tail -n 3 "$tmp/lang-get.log" >&2
    fi
  fi
  if [ -z "$langhost_version" ]; then
    cometapi_log "falling back to the language host shipped in sdk/v3@$COMETAPI_LEGACY_LANGHOST" \
      "(version skew; see the header of scripts/pulumi-toolchain.sh)"
    rm -rf "$tmp/lang"
    write_wrapper "$tmp/lang" "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs" \
      "require github.com/pulumi/pulumi/sdk/v3 $COMETAPI_LEGACY_LANGHOST"
    run_step "$tmp/lang-tidy.log" "resolving the legacy language host's Go modules" "$tmp/lang" go mod tidy -e
    run_step "$tmp/lang-build.log" "compiling pulumi-language-nodejs $COMETAPI_LEGACY_LANGHOST" \
      "$tmp/lang" go build "${GO_BUILD_FLAGS[@]}" -ldflags "$(stamp "$COMETAPI_LEGACY_LANGHOST")" \
      -o "$bin/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
    langhost_version="$COMETAPI_LEGACY_LANGHOST"
  fi

  install -m 0755 "$PLUGIN_SCRIPT" "$bin/pulumi-resource-pulumi-nodejs"
  install_analyzer "$bin"
  [ "$(cli_version "$bin/pulumi")" = "$PULUMI_VERSION" ] ||
    die "the built CLI reports version '$(cli_version "$bin/pulumi")', expected $PULUMI_VERSION"
  {
    echo "pulumi v$PULUMI_VERSION"
    echo "pulumi-language-nodejs $langhost_version"
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) with $(go env GOVERSION) in $(($(date +%s) - BUILD_START))s"
  } >"$tmp/BUILD-INFO"
  rm -rf "$tmp/cli" "$tmp/lang"

  # Swap into place: a rename within one directory is atomic.
  if [ -e "$final" ]; then
    mv "$final" "$tmp.old"
    rm -rf "$tmp.old"
  fi
  mv "$tmp" "$final"
  trap - EXIT
  cometapi_log "built the Pulumi toolchain in $(($(date +%s) - BUILD_START))s: $final/bin"
}

use_cached_toolchain() {
  local final="$CACHE_ROOT/pulumi-v$PULUMI_VERSION"
  require_plugin_script
  if ! cache_is_valid "$final/bin" "$PULUMI_VERSION"; then
    mkdir -p "$CACHE_ROOT"
    # One builder at a time (two concurrent `npm test` runs on a fresh machine).
    if command -v flock >/dev/null 2>&1; then
      exec 9>"$CACHE_ROOT/.build.lock"
      flock 9
    fi
    cache_is_valid "$final/bin" "$PULUMI_VERSION" || build_toolchain "$final"
  fi
  # Keep the plugin script in step with the installed @pulumi/pulumi.
  cmp -s "$PLUGIN_SCRIPT" "$final/bin/pulumi-resource-pulumi-nodejs" ||
    install -m 0755 "$PLUGIN_SCRIPT" "$final/bin/pulumi-resource-pulumi-nodejs"
  # The policy-pack analyzer launcher (added after some caches were built: installed, not rebuilt).
  install_analyzer "$final/bin"
  cometapi_log "Pulumi CLI v$PULUMI_VERSION: $final/bin"
  printf '%s\n' "$final/bin"
}

PULUMI_VERSION="$(pinned_version)"
if [ "${COMETAPI_PULUMI_BUILD:-}" != "1" ] && use_installed_cli; then
  exit 0
fi
use_cached_toolchain
