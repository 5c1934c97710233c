#!/usr/bin/env bash
# The cold-deploy simulation (issue 22): the real program runs for each AWS stack file against the test engine and
# mocks, and the run is replayed on a virtual clock with the typical step durations of deploy-durations.json
# (tests/ConvexInfra.Components.Tests/Simulation). Prints, per stack, the simulated cold `pulumi up` beside plan's
# estimate, the time after the database, and the simulated critical path; with --update-docs it also rewrites the
# table in docs/aws.md (the test compares the two otherwise). Exits non-zero when the simulation and plan disagree.
# Usage: scripts/simulate-deploy.sh [--update-docs]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${root}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
update=0
case "${1:-}" in
  "") ;;
  --update-docs) update=1 ;;
  *)
    echo "simulate-deploy: unknown argument '$1' (usage: scripts/simulate-deploy.sh [--update-docs])" >&2
    exit 2
    ;;
esac

project=tests/ConvexInfra.Components.Tests/ConvexInfra.Components.Tests.csproj
# shellcheck source=scripts/restore.sh
source scripts/restore.sh
restore_project "${project}" "$(mktemp)" || {
  echo "simulate-deploy: restoring ${project} failed (${RESTORE_STATUS}: ${RESTORE_MISSING})" >&2
  exit 1
}
out=$(mktemp)
log=$(mktemp)
trap 'rm -f "${out}" "${log}"' EXIT
dotnet build "${project}" --no-restore -v q >"${log}" 2>&1 || {
  cat "${log}" >&2
  exit 1
}
status=0
if [[ ${update} == 1 ]]; then
  export CONVEX_INFRA_UPDATE_DOCS=1
fi
CONVEX_SIM_OUTPUT=${out} dotnet test "${project}" --no-build --filter "FullyQualifiedName~ColdDeploySimulationTests" >"${log}" 2>&1 || status=$?
cat "${out}"
if [[ ${status} != 0 ]]; then
  grep -E "^\s+(Failed |Error Message|Assert)|disagree|step '|critical path|cold pulumi up|after the database" "${log}" >&2 || cat "${log}" >&2
  echo "simulate-deploy: the simulation tests failed (see above)" >&2
fi
exit "${status}"
