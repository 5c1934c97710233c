#!/usr/bin/env bash
# May a pull request preview this stack? ci.yml runs this before a pull-request job asks for cloud credentials.
# Usage: pull-request-stack.sh STACK   (run from the repository root, where the Pulumi.<stack>.yaml files are)
# Exit codes: 0 yes, 1 refused (a stack of a later stage, a local stack, no stack file), 2 bad usage.
# The stacks come from the repository variable CONVEX_PREVIEW_STACKS (default ["dev"]). The AWS role a pull request
# can assume reads only those stacks anyway (docs/cicd.md); this check fails early, with a message that says why.
set -euo pipefail

if [[ "$#" -ne 1 ]] || [[ ! "$1" =~ ^[a-z0-9][a-z0-9-]*$ ]]; then
  echo "usage: pull-request-stack.sh STACK (a stack name such as dev: lowercase letters, digits, '-')" >&2
  exit 2
fi
stack=$1
file="Pulumi.${stack}.yaml"

refuse() {
  echo "::error title=no pull-request preview of ${stack}::$1"
  exit 1
}

case "${stack}" in
  staging | prod | ecs)
    refuse "CONVEX_PREVIEW_STACKS lists ${stack}, a stage after dev: its preview runs on main only, in the GitHub environment preview-${stack}. Remove it from CONVEX_PREVIEW_STACKS." ;;
  *) ;;
esac
if [[ ! -f "${file}" ]]; then
  refuse "CONVEX_PREVIEW_STACKS lists ${stack}, but there is no ${file}. List only stacks that exist (default [\"dev\"])."
fi
# The tier key wins over the stack name (docs/spec.md): a stack named like dev may still be staging or prod.
if grep -Eq '^[[:space:]]+convex-infra:tier:[[:space:]]*"?(staging|prod)"?[[:space:]]*(#.*)?$' "${file}"; then
  refuse "${file} sets a staging or prod tier: such a stack is previewed on main only. Remove ${stack} from CONVEX_PREVIEW_STACKS."
fi
if grep -Eq '^[[:space:]]+convex-infra:target:[[:space:]]*"?local"?[[:space:]]*(#.*)?$' "${file}"; then
  refuse "${file} is a local stack: CI never previews or deploys it."
fi
echo "pull-request preview of ${stack}: allowed (${file}, a dev-tier stack listed in CONVEX_PREVIEW_STACKS)"
