#!/usr/bin/env bash
# Which stacks CI may preview, deploy and drift-check: the repository variable CONVEX_STACKS, validated against the
# stack files (Pulumi.<stack>.yaml) of this checkout. Nothing is ever invented: while CONVEX_STACKS is unset the
# answer is [] (with a notice), and a name without a stack file, a local stack or a malformed value is an error.
# The pull-request stacks are CONVEX_PREVIEW_STACKS (default ["dev"]) that are also in CONVEX_STACKS.
# Usage: convex-stacks.sh   (from the repository root; reads CONVEX_STACKS and CONVEX_PREVIEW_STACKS)
# Writes stacks=<JSON array> and preview-stacks=<JSON array> to $GITHUB_OUTPUT (stdout without it).
# Exit codes: 0 ok (possibly []), 1 a variable is malformed or names a stack that does not exist.
set -euo pipefail
output=${GITHUB_OUTPUT:-/dev/stdout}

fail() {
  echo "::error title=$1::$2"
  exit 1
}

# A JSON array of distinct stack names, each with a non-local stack file.
validate() {
  local variable=$1 value=$2 name
  if ! jq -e 'type == "array" and all(.[]; type == "string") and (unique | length) == length' <<<"${value}" >/dev/null 2>&1; then
    fail "${variable} is malformed" "${variable} must be a JSON array of distinct stack names, e.g. [\"dev\",\"staging\",\"prod\"]; it is: ${value}"
  fi
  local names
  names=$(jq -r '.[]' <<<"${value}")
  while IFS= read -r name; do
    [[ -n "${name}" ]] || continue
    [[ "${name}" =~ ^[a-z0-9][a-z0-9-]*$ ]] || fail "${variable} names an invalid stack" "'${name}' is not a stack name (lowercase letters, digits, '-')"
    [[ -f "Pulumi.${name}.yaml" ]] || fail "${variable} names a stack that does not exist" \
      "${variable} lists ${name}, but there is no Pulumi.${name}.yaml in the repository; list only stacks that exist (docs/cicd.md)"
    if grep -Eq '^[[:space:]]+convex-infra:target:[[:space:]]*"?local"?[[:space:]]*(#.*)?$' "Pulumi.${name}.yaml"; then
      fail "${variable} names a local stack" "Pulumi.${name}.yaml is a local stack: CI never previews, deploys or drift-checks it; remove ${name} from ${variable}"
    fi
  done <<<"${names}"
}

stacks=${CONVEX_STACKS:-}
if [[ -z "${stacks}" ]]; then
  echo "::notice title=no stacks set up::the repository variable CONVEX_STACKS is not set, so nothing is previewed on main, deployed or drift-checked; set it to the stacks that exist on your backend, e.g. [\"dev\",\"staging\",\"prod\"] (docs/cicd.md)"
  stacks='[]'
fi
validate CONVEX_STACKS "${stacks}"

preview=${CONVEX_PREVIEW_STACKS:-'["dev"]'}
validate CONVEX_PREVIEW_STACKS "${preview}"
preview_stacks=$(jq -c --argjson all "${stacks}" '[.[] | select(. as $s | $all | index($s))]' <<<"${preview}")
stacks=$(jq -c . <<<"${stacks}")
{
  echo "stacks=${stacks}"
  echo "preview-stacks=${preview_stacks}"
} >>"${output}"
