#!/usr/bin/env bash
# The EC2 release-switch benchmark (issue 22): the real convex-release in the host sandbox upgrades the backend while
# requests and a websocket stream through the real Caddy (the rendered Caddyfile) on loopback to backends that take
# START_SECONDS to start. Prints, per start time: release written → applied, the gap, requests and failures, the
# longest request, websocket drops and outage. Not part of scripts/test.sh: it is a measurement, not a test
# (tests/ConvexInfra.Core.Tests/Rendering/SwitchBenchmark.cs runs only with CONVEX_INFRA_BENCH=1).
# Usage: scripts/bench-switch.sh [START_SECONDS ...]   (default: 5)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${root}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
out=$(mktemp)
trap 'rm -f "${out}"' EXIT

dotnet build tests/ConvexInfra.Core.Tests -v q >/dev/null
starts=("$@")
[[ ${#starts[@]} -gt 0 ]] || starts=(5)
for start in "${starts[@]}"; do
  [[ ${start} =~ ^[0-9]+(\.[0-9]+)?$ ]] || {
    echo "bench-switch: START_SECONDS must be a number of seconds, got '${start}' (example: scripts/bench-switch.sh 5 15)" >&2
    exit 2
  }
  : >"${out}"
  CONVEX_INFRA_BENCH=1 CONVEX_BENCH_START_SECONDS=${start} CONVEX_BENCH_OUTPUT=${out} \
    dotnet test tests/ConvexInfra.Core.Tests --no-build --filter "FullyQualifiedName~SwitchBenchmark" >/dev/null ||
    echo "bench-switch: the run with a ${start} s start failed (dotnet test output above is suppressed; rerun it with CONVEX_INFRA_BENCH=1)" >&2
  cat "${out}"
  echo
done
