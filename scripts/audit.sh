#!/usr/bin/env bash
# Supply-chain check of what users install: the runtime dependency tree must be exactly the
# justified list (README, "Reliability evidence"), and `npm audit --omit=dev` must report no
# high or critical advisory.
#
# Exit codes: 0 = audited, nothing high/critical; 1 = advisories or an unexpected runtime
# dependency; 2 = the audit could not run (e.g. the registry's advisory endpoint is unreachable or
# refuses the request). 2 is never reported as a pass.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
# shellcheck source=scripts/env.sh
source scripts/env.sh
cometapi_ensure_node || exit 2

expected="undici zod"
actual="$(node -e 'const p=require("./package.json");console.log(Object.keys(p.dependencies||{}).sort().join(" "))')"
if [ "$actual" != "$expected" ]; then
  echo "audit: runtime dependencies are \"$actual\", expected \"$expected\"; justify any change in the README" >&2
  exit 1
fi
tree="$(npm ls --omit=dev --all --parseable 2>/dev/null | sed "s|^$PWD/\?||" | grep -v '^$' | sort)"
echo "audit: runtime dependency tree (npm ls --omit=dev --all):"
printf '  %s\n' $tree

out="$(mktemp)"
err="$(mktemp)"
trap 'rm -f "$out" "$err"' EXIT
npm audit --omit=dev --audit-level=high --json >"$out" 2>"$err"
rc=$?
if ! node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if(!j.metadata||!j.metadata.vulnerabilities) process.exit(1)' "$out" 2>/dev/null; then
  echo "audit: npm audit did not produce a report (exit $rc); NOT a pass:" >&2
  grep -v '^npm warn Unknown user config' "$err" >&2
  head -c 2000 "$out" >&2
  exit 2
fi
node -e '
const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).metadata.vulnerabilities;
console.log(`audit: npm audit --omit=dev: ${JSON.stringify(v)}`);
process.exit((v.high || 0) + (v.critical || 0) > 0 ? 1 : 0);
' "$out"
