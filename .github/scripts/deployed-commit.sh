#!/usr/bin/env bash
# Keeps a stack from going back in time. The commit a stack last deployed is kept in its stack tag
# convex-infra:deployed-sha (Pulumi Cloud, and the S3/diy backend from Pulumi CLI 3.211.0).
#
#   deployed-commit.sh check STACK SHA    before `pulumi up`: refuses SHA unless it is the deployed commit or a
#                                         descendant of it (git merge-base --is-ancestor); a stack without the tag
#                                         (first deploy) passes with a notice.
#   deployed-commit.sh record STACK SHA   after a successful `pulumi up`: stores SHA in the tag.
#
# Exit codes: 0 ok, 1 refused (an older or unrelated commit), 2 the check itself could not run.
# Needs the full history of the checkout (actions/checkout with fetch-depth: 0).
# PULUMI (default: pulumi) names the CLI to run; the tests point it at a stand-in.
set -euo pipefail

tag=convex-infra:deployed-sha
usage() {
  echo "usage: deployed-commit.sh check|record STACK SHA (for example: deployed-commit.sh check prod \"\$GITHUB_SHA\")" >&2
  exit 2
}

[[ "$#" -eq 3 ]] || usage
mode=$1
stack=$2
sha=$3
[[ "${mode}" == check || "${mode}" == record ]] || usage
[[ -n "${stack}" ]] || usage
pulumi_cli=${PULUMI:-pulumi}

if [[ ! "${sha}" =~ ^[0-9a-f]{40}$ ]]; then
  echo "::error title=deployed commit::'${sha}' is not a full 40-character commit SHA"
  exit 2
fi

if [[ "${mode}" == record ]]; then
  if ! "${pulumi_cli}" stack tag set "${tag}" "${sha}" --stack "${stack}"; then
    echo "::error title=deployed commit of ${stack}::could not store ${sha} in the stack tag ${tag}; the next run cannot check commit order"
    exit 2
  fi
  echo "${stack} now runs ${sha} (stack tag ${tag})"
  exit 0
fi

errors=$(mktemp)
trap 'rm -f "${errors}"' EXIT
status=0
deployed=$("${pulumi_cli}" stack tag get "${tag}" --stack "${stack}" 2>"${errors}") || status=$?
if [[ "${status}" -ne 0 ]]; then
  # Only a missing tag means "first deploy"; a missing stack or an unreachable backend is an error.
  if grep -qiE "stack tag .*not found" "${errors}"; then
    echo "::notice title=first deploy of ${stack}::the stack has no ${tag} tag yet, so any commit may be deployed; this run records ${sha}"
    exit 0
  fi
  cat "${errors}" >&2
  echo "::error title=deployed commit of ${stack}::could not read the stack tag ${tag} (pulumi exited ${status}); see the log above"
  exit 2
fi

deployed=$(printf '%s' "${deployed}" | tr -d '[:space:]')
if [[ ! "${deployed}" =~ ^[0-9a-f]{40}$ ]]; then
  echo "::error title=deployed commit of ${stack}::the stack tag ${tag} holds '${deployed}', not a commit SHA." \
    "Fix it with: pulumi stack tag set ${tag} <sha of the commit the stack runs> --stack ${stack}"
  exit 2
fi

if ! git cat-file -e "${deployed}^{commit}" 2>/dev/null; then
  echo "::error title=deployed commit of ${stack}::${stack} last deployed ${deployed}, which this checkout does not have." \
    "Check out the full history (fetch-depth: 0); if that commit was removed from main by a force-push, set the tag to" \
    "the commit the stack runs now: pulumi stack tag set ${tag} <sha> --stack ${stack}"
  exit 2
fi

if [[ "${deployed}" == "${sha}" ]]; then
  echo "${stack} already runs ${sha}: deploying it again"
  exit 0
fi

if git merge-base --is-ancestor "${deployed}" "${sha}"; then
  echo "${sha} descends from ${deployed}, which ${stack} runs now: deploying"
  exit 0
fi

echo "::error title=older commit refused on ${stack}::${stack} already runs ${deployed}, and ${sha} does not descend from it" \
  "(it is older, or on another branch). Deploying it would take the stack back in time. Approve the newest run of deploy" \
  "instead; to go back on purpose, revert the change on main and let CI deploy the revert."
exit 1
