#!/usr/bin/env bash
# Entry point behind `npm test`, `npm run demo`, `npm run bench`, `npm run emulator`,
# `npm run plugin:archive` and `npm run test:live`: works on a fresh clone. It sets up the toolchain (Node >= 22, npm
# dependencies, the Pulumi CLI), builds the package, then runs the task.
set -euo pipefail
# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$COMETAPI_REPO_ROOT"

task="${1:-}"
shift || true
cometapi_ensure_node
cometapi_ensure_deps

case "$task" in
  test)
    cometapi_ensure_pulumi
    # The SDK generator the generated-SDK drift test runs: built (once, cached) here, with progress.
    bash scripts/sdkgen.sh --print-binary >/dev/null
    npm run --silent build
    npm run --silent check
    exec npx vitest run --project unit --project integration --project e2e "$@"
    ;;
  demo)
    cometapi_ensure_pulumi
    npm run --silent build
    exec node dist/demo/demo.js "$@"
    ;;
  bench)
    cometapi_ensure_pulumi
    npm run --silent build
    exec node dist/bench/bench.js "$@"
    ;;
  emulator)
    npm run --silent build
    exec node dist/emulator/cli.js "$@"
    ;;
  plugin:archive)
    exec bash scripts/plugin-archive.sh "$@"
    ;;
  test:live)
    cometapi_ensure_pulumi
    npm run --silent build
    exec npx vitest run --project live "$@"
    ;;
  *)
    echo "usage: scripts/run.sh test|demo|bench|emulator|plugin:archive|test:live [args...]" >&2
    exit 2
    ;;
esac
