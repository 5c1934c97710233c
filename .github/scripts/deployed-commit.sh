#!/usr/bin/env bash
# Keeps a stack from going back in time. Two stack tags (Pulumi Cloud, and the S3/diy backend from Pulumi CLI 3.211.0):
#   convex-infra:deployed-sha   the commit of the last deploy that finished (`record`)
#   convex-infra:deploying      the commit of a deploy that started `pulumi up` and has not finished (`begin`); after
#                               a failed or cancelled up it stays, because the stack may run part of that commit.
#
#   deployed-commit.sh check STACK SHA    before `pulumi up`: SHA must equal or descend from both tags. A stack with
#                                         neither tag passes only when its update history is provably empty (a first
#                                         deploy): any error reading the tags or the history fails closed.
#   deployed-commit.sh begin STACK SHA    just before `pulumi up`: sets convex-infra:deploying to SHA.
#   deployed-commit.sh record STACK SHA   after a successful `pulumi up`: sets convex-infra:deployed-sha to SHA and
#                                         removes convex-infra:deploying if it still names SHA.
#   deployed-commit.sh busy STACK         for drift checks: writes deploying=<sha> to $GITHUB_OUTPUT when a deploy is
#                                         in progress or was interrupted (nothing when the stack is idle).
#
# Exit codes: 0 ok, 1 refused (an older or unrelated commit), 2 the check itself could not run.
# Needs the full history of the checkout (actions/checkout with fetch-depth: 0).
# PULUMI (default: pulumi) names the CLI to run; the tests point it at a stand-in.
set -euo pipefail

deployed_tag=convex-infra:deployed-sha
deploying_tag=convex-infra:deploying
usage() {
  echo "usage: deployed-commit.sh check|begin|record STACK SHA, or deployed-commit.sh busy STACK (for example: deployed-commit.sh check prod \"\$GITHUB_SHA\")" >&2
  exit 2
}

mode=${1:-}
case "${mode}" in
  check | begin | record) [[ "$#" -eq 3 ]] || usage ;;
  busy) [[ "$#" -eq 2 ]] || usage ;;
  *) usage ;;
esac
stack=$2
sha=${3:-}
[[ -n "${stack}" ]] || usage
pulumi_cli=${PULUMI:-pulumi}

if [[ "${mode}" != busy ]] && [[ ! "${sha}" =~ ^[0-9a-f]{40}$ ]]; then
  echo "::error title=deployed commit::'${sha}' is not a full 40-character commit SHA"
  exit 2
fi

errors=$(mktemp)
trap 'rm -f "${errors}"' EXIT

# Sets tags to the stack's tags as one JSON object; any failure to read them is an error, never "no tags".
tags=""
read_tags() {
  local status=0
  tags=$("${pulumi_cli}" stack tag ls --json --stack "${stack}" 2>"${errors}") || status=$?
  if [[ "${status}" -ne 0 ]] || ! jq -e 'type == "object"' <<<"${tags}" >/dev/null 2>&1; then
    cat "${errors}" >&2
    echo "::error title=could not read ${stack}::pulumi stack tag ls exited ${status}; the commit-order check fails closed (see the log above: credentials, backend URL, state bucket)"
    exit 2
  fi
}

set_tag() {
  if ! "${pulumi_cli}" stack tag set "$1" "$2" --stack "${stack}"; then
    echo "::error title=deployed commit of ${stack}::could not store $2 in the stack tag $1; the next run could not check commit order"
    exit 2
  fi
}

case "${mode}" in
  begin)
    set_tag "${deploying_tag}" "${sha}"
    echo "${stack}: deploying ${sha} (stack tag ${deploying_tag})"
    exit 0 ;;
  record)
    set_tag "${deployed_tag}" "${sha}"
    read_tags
    marked=$(jq -r --arg t "${deploying_tag}" '.[$t] // empty' <<<"${tags}")
    if [[ "${marked}" == "${sha}" ]]; then
      "${pulumi_cli}" stack tag rm "${deploying_tag}" --stack "${stack}" || {
        echo "::error title=deployed commit of ${stack}::could not remove the stack tag ${deploying_tag}"
        exit 2
      }
    fi
    echo "${stack} now runs ${sha} (stack tag ${deployed_tag})"
    exit 0 ;;
  busy)
    read_tags
    deploying=$(jq -r --arg t "${deploying_tag}" '.[$t] // empty' <<<"${tags}")
    if [[ -n "${deploying}" ]]; then
      echo "deploying=${deploying}" >>"${GITHUB_OUTPUT:-/dev/stdout}"
      echo "::notice title=drift check skipped on ${stack}::a deploy of ${deploying} is in progress or did not finish (stack tag ${deploying_tag}); the next drift check runs after a deploy finishes"
    fi
    exit 0 ;;
  *) ;; # check, below
esac

read_tags
deployed=$(jq -r --arg t "${deployed_tag}" '.[$t] // empty' <<<"${tags}")
deploying=$(jq -r --arg t "${deploying_tag}" '.[$t] // empty' <<<"${tags}")

if [[ -z "${deployed}" && -z "${deploying}" ]]; then
  # "No tag" is believed only for a stack that was never updated: a backend that could not read the stack may answer
  # with no tags at all (the diy backend does), so the update history must be read, and be empty.
  status=0
  history=$("${pulumi_cli}" stack history --json --stack "${stack}" 2>"${errors}") || status=$?
  if [[ "${status}" -ne 0 ]] || ! jq -e 'type == "array"' <<<"${history}" >/dev/null 2>&1; then
    cat "${errors}" >&2
    echo "::error title=could not read ${stack}::the stack has no ${deployed_tag} tag, and its update history could not be read (pulumi exited ${status}); an unreadable stack is never taken for a new one, so nothing is deployed"
    exit 2
  fi
  updates=$(jq length <<<"${history}")
  if [[ "${updates}" -ne 0 ]]; then
    echo "::error title=deployed commit of ${stack} unknown::${stack} has been updated before but has no ${deployed_tag} tag." \
      "Set it to the commit the stack runs: pulumi stack tag set ${deployed_tag} <sha> --stack ${stack}"
    exit 2
  fi
  echo "::notice title=first deploy of ${stack}::the stack was never updated, so any commit may be deployed; this run records ${sha}"
  exit 0
fi

# Each tag that is set must be an ancestor of SHA (or SHA itself).
descends() {
  local tag=$1 commit=$2 what=$3
  [[ -n "${commit}" ]] || return 0
  if [[ ! "${commit}" =~ ^[0-9a-f]{40}$ ]]; then
    echo "::error title=deployed commit of ${stack}::the stack tag ${tag} holds '${commit}', not a commit SHA." \
      "Fix it with: pulumi stack tag set ${tag} <sha of the commit the stack runs> --stack ${stack}"
    exit 2
  fi
  if ! git cat-file -e "${commit}^{commit}" 2>/dev/null; then
    echo "::error title=deployed commit of ${stack}::${stack} ${what} ${commit}, which this checkout does not have." \
      "Check out the full history (fetch-depth: 0); if that commit was removed from main by a force-push, set the tag to" \
      "the commit the stack runs now: pulumi stack tag set ${tag} <sha> --stack ${stack}"
    exit 2
  fi
  if [[ "${commit}" != "${sha}" ]] && ! git merge-base --is-ancestor "${commit}" "${sha}"; then
    echo "::error title=older commit refused on ${stack}::${stack} ${what} ${commit}, and ${sha} does not descend from it" \
      "(it is older, or on another branch). Deploying it would take the stack back in time. Approve the newest run of deploy" \
      "instead; to go back on purpose, revert the change on main and let CI deploy the revert."
    exit 1
  fi
}
descends "${deployed_tag}" "${deployed}" "already runs"
descends "${deploying_tag}" "${deploying}" "started deploying (a deploy that did not finish, so the stack may run part of it)"
echo "${sha} is ${deployed:-the first deploy} or descends from what ${stack} runs${deploying:+ and from ${deploying}, whose deploy did not finish}: deploying"
