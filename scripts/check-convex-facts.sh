#!/usr/bin/env bash
# Re-checks every citation of components/ConvexInfra.Core/Data/convex-facts.json against local clones:
# each source's file must contain its "match" text on its "line" at its revision (the table's unless the
# source names its own repository/revision). Run it after moving imageRevision and re-citing the table.
# Usage: scripts/check-convex-facts.sh CONVEX_BACKEND_GIT_DIR [CONVEX_AUTH_GIT_DIR]
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 CONVEX_BACKEND_GIT_DIR [CONVEX_AUTH_GIT_DIR]" >&2
  exit 2
fi

backend_dir=$1
auth_dir=${2:-}
table="$(cd "$(dirname "$0")/.." && pwd)/components/ConvexInfra.Core/Data/convex-facts.json"
default_repo=$(jq -r '.repository' "${table}")
default_rev=$(jq -r '.revision' "${table}")
failures=0
checked=0

while IFS=$'\t' read -r id repo rev file line match; do
  case "${repo}" in
    "${default_repo}") dir=${backend_dir} ;;
    get-convex/convex-auth) dir=${auth_dir} ;;
    *) dir='' ;;
  esac
  if [[ -z ${dir} ]]; then
    echo "SKIP ${id}: no clone given for ${repo}" >&2
    continue
  fi
  checked=$((checked + 1))
  if ! text=$(git -C "${dir}" show "${rev}:${file}" 2>/dev/null | sed -n "${line}p"); then
    echo "FAIL ${id}: ${repo}@${rev} has no ${file}" >&2
    failures=$((failures + 1))
  elif [[ ${text} != *"${match}"* ]]; then
    # To help re-citing at a new revision: where the text is now, if it occurs exactly once.
    found=$(git -C "${dir}" show "${rev}:${file}" | grep -nF -- "${match}" | cut -d: -f1 || true)
    hint=''
    if [[ -n ${found} && ${found} != *$'\n'* ]]; then
      hint=" (it is on line ${found} there)"
    fi
    echo "FAIL ${id}: ${file}:${line} at ${rev} does not contain: ${match}${hint}" >&2
    failures=$((failures + 1))
  fi
done < <(jq -r --arg repo "${default_repo}" --arg rev "${default_rev}" \
  '.facts[] | .id as $id | .sources[] | [$id, (.repository // $repo), (.revision // (if (.repository // $repo) == $repo then $rev else "" end)), .file, (.line | tostring), .match] | @tsv' "${table}")

echo "${checked} citations checked, ${failures} failed"
[[ ${failures} -eq 0 ]]
