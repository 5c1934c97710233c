#!/usr/bin/env bash
# A stack without a Route 53 zone (no convex-infra:hostedZoneId) lists the DNS records to create by hand in its
# dnsRecords output. After `pulumi up` this prints them (notices and the run summary), then waits until each resolves
# to its value, up to a deadline; past it the job fails with the records to create. A stack with a zone has no such
# records and passes at once.
# Usage: dns-records.sh STACK WAIT   (WAIT like 30m, 90s or 1h)   DNS_POLL_SECONDS: pause between lookups (30)
# Exit codes: 0 live (or nothing to create), 1 not live by the deadline, 2 bad usage or the output could not be read.
set -euo pipefail
if [[ "$#" -ne 2 ]] || [[ ! "$2" =~ ^([0-9]+)([smh])$ ]]; then
  echo "usage: dns-records.sh STACK WAIT (for example: dns-records.sh dev 30m)" >&2
  exit 2
fi
stack=$1
case "${BASH_REMATCH[2]}" in s) factor=1 ;; m) factor=60 ;; *) factor=3600 ;; esac
wait_seconds=$((BASH_REMATCH[1] * factor))
pulumi_cli=${PULUMI:-pulumi}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}

if ! records=$("${pulumi_cli}" stack output dnsRecords --json --stack "${stack}") || ! jq -e 'type == "array"' <<<"${records}" >/dev/null 2>&1; then
  echo "::error title=DNS records of ${stack}::could not read the stack output dnsRecords"
  exit 2
fi
count=$(jq length <<<"${records}")
if [[ "${count}" -eq 0 ]]; then
  echo "${stack}: no DNS records to create by hand (the stack's hosted zone holds them)"
  exit 0
fi

{
  echo "### DNS records to create for \`${stack}\`"
  echo
  echo "| Name | Type | Value |"
  echo "|---|---|---|"
  jq -r '.[] | "| \(.name) | \(.type) | \(.value) |"' <<<"${records}"
} >>"${summary}"
jq -r '.[] | "\(.name)\t\(.type)\t\(.value)"' <<<"${records}" | while IFS=$'\t' read -r name type value; do
  echo "::notice title=create this DNS record for ${stack}::${name} ${type} ${value} (or set convex-infra:hostedZoneId so the stack manages them)"
done

table=$(jq -r '.[] | "\(.name)\t\(.type)\t\(.value)"' <<<"${records}")
# Sets resolved=true when every record answers with its value.
check_live() {
  local name type value answer
  resolved=true
  while IFS=$'\t' read -r name type value; do
    answer=$(dig +short "${name}" "${type}" || true)
    # dig prints names with their trailing dot; the output may list them with or without it.
    grep -Fxq -e "${value%.}" -e "${value%.}." <<<"${answer}" || resolved=false
  done <<<"${table}"
}

deadline=$((SECONDS + wait_seconds))
resolved=false
check_live
until [[ "${resolved}" == true ]]; do
  if [[ "${SECONDS}" -ge "${deadline}" ]]; then
    echo "::error title=DNS records of ${stack} not live::the records above did not resolve within $2. Create them at your DNS provider and re-run this job, or set convex-infra:hostedZoneId (docs/cicd.md)"
    exit 1
  fi
  echo "waiting for the DNS records of ${stack} to resolve"
  sleep "${DNS_POLL_SECONDS:-30}"
  check_live
done
echo "${stack}: every DNS record resolves"
