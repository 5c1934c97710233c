#!/usr/bin/env bash
# Drift check for one stack: runs `pulumi refresh --preview-only --json` (reads the cloud, writes nothing) and fails
# when any resource changed or disappeared outside Pulumi.
# Usage: drift-check.sh STACK
# Exit codes: 0 no drift, 1 drift found, 2 the check itself could not run (bad usage, pulumi failed, unreadable JSON).
# Writes a GitHub error annotation per drifted resource, a table to $GITHUB_STEP_SUMMARY and drift=true to
# $GITHUB_OUTPUT when those are set.
# PULUMI (default: pulumi) names the CLI to run; the tests point it at a stand-in that prints recorded JSON.
set -euo pipefail

if [[ "$#" -ne 1 ]] || [[ -z "$1" ]]; then
  echo "usage: drift-check.sh STACK (for example: drift-check.sh prod or drift-check.sh acme/prod)" >&2
  exit 2
fi
stack=$1
pulumi_cli=${PULUMI:-pulumi}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}

report=$(mktemp)
trap 'rm -f "$report"' EXIT

status=0
"${pulumi_cli}" refresh --preview-only --json --non-interactive --stack "${stack}" >"${report}" || status=$?

if ! jq -e 'type == "object"' "${report}" >/dev/null 2>&1; then
  echo "::error title=drift check failed on ${stack}::pulumi refresh --preview-only exited ${status} without a JSON report; see the log above"
  exit 2
fi

# Unchanged resources come back as "same" or "refresh" steps; "update" means properties drifted, "delete" means the
# resource is gone. Anything else is unexpected for a refresh preview and is reported as well.
drifted=$(jq -r '[.steps // [] | .[] | select(.op != "same" and .op != "refresh")]
  | sort_by(.urn)[]
  | "\(.op)\t\(.urn)\t\((.diffReasons // []) | join(","))"' "${report}")
checked=$(jq -r '[.steps // [] | .[]] | length' "${report}")

if [[ -n "${drifted}" ]]; then
  count=$(printf '%s\n' "${drifted}" | wc -l | tr -d ' ')
  {
    echo "### Drift on stack \`${stack}\`: ${count} of ${checked} resources"
    echo
    echo "| Change | Resource | Properties |"
    echo "|---|---|---|"
  } >>"${summary}"
  while IFS=$'\t' read -r op urn reasons; do
    case "${op}" in
      delete) what="deleted outside Pulumi" ;;
      update) what="changed outside Pulumi${reasons:+: ${reasons}}" ;;
      *) what="refresh would ${op} it" ;;
    esac
    echo "::error title=drift on ${stack}::${urn} ${what}"
    echo "| ${op} | \`${urn}\` | ${reasons:--} |" >>"${summary}"
  done <<<"${drifted}"
  # drift.yml opens its issue only for real drift, not when the check itself failed.
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    echo "drift=true" >>"${GITHUB_OUTPUT}"
  fi
  echo "drift: ${count} of ${checked} resources of stack ${stack} differ from the state." \
    "Review them, then either revert the change in the cloud, or accept it with 'pulumi refresh --stack ${stack}'" \
    "and update the program, or re-apply the program with 'pulumi up --stack ${stack}'."
  exit 1
fi

if [[ "${status}" -ne 0 ]]; then
  jq -r '.diagnostics // [] | .[] | select((.severity // "") | test("error")) | .message' "${report}" >&2 || true
  echo "::error title=drift check failed on ${stack}::pulumi refresh --preview-only exited ${status}; see the log above"
  exit 2
fi

echo "no drift: ${checked} resources of stack ${stack} match the state"
echo "No drift on \`${stack}\` (${checked} resources checked)." >>"${summary}"
