#!/usr/bin/env bash
# `dotnet format` must leave the tree unchanged: whitespace everywhere, style and analyzers on every project
# (the Pulumi ones restored the same way scripts/test.sh restores them).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
source "$root/scripts/restore.sh"

dotnet format whitespace --folder --verify-no-changes --exclude '**/bin/**' '**/obj/**'
log=$(mktemp)
if ! restore_project ConvexInfra.sln "$log"; then
  echo "format: cannot restore the solution ($RESTORE_STATUS${RESTORE_MISSING:+: $RESTORE_MISSING}); see $log" >&2
  exit 1
fi
dotnet format ConvexInfra.sln --no-restore --verify-no-changes
echo "format: clean"
