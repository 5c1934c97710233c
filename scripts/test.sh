#!/usr/bin/env bash
# Runs every test project whose packages restore and reports each one that cannot as SKIPPED.
# Closing line: "Tests: N passed, N failed, N skipped". Exit code 0 only when nothing failed.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter Category!=Tools]
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

passed=0 failed=0 skipped=0 skipped_projects=0 broken_projects=0

counter() { # counter NAME FILE -> value of NAME="…" in the TRX Counters element
  sed -n "s/.*<Counters [^>]*\b$1=\"\([0-9]*\)\".*/\1/p" "$2" | head -n 1
}

source "$root/scripts/restore.sh"

for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  log="$results/$name.restore.log"
  echo "== $name: restoring"
  if ! restore_project "$project" "$log"; then
    if [ "$RESTORE_STATUS" = missing ]; then
      echo "SKIPPED $name: packages not served by the configured NuGet sources nor ../shared/pulumi-feed ($RESTORE_MISSING); it runs wherever they restore (the public NuGet gallery)"
      skipped_projects=$((skipped_projects + 1))
    else
      echo "FAILED $name: restore failed; see $log"
      tail -n 20 "$log"
      broken_projects=$((broken_projects + 1))
    fi
    continue
  fi
  if grep -qs '"Pulumi/' "$(dirname "$project")/obj/project.assets.json" && pulumi_from_folder_feed; then
    echo "NOTE $name: runs against the Pulumi packages of ../shared/pulumi-feed (the configured NuGet sources serve none; Pulumi.Aws there is a stand-in)"
  fi

  echo "== $name: building and testing"
  trx="$name.trx"
  dotnet test "$project" --no-restore --nologo -v quiet \
    --logger "trx;LogFileName=$trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" "$@" 2>&1 | tee "$results/$name.log" | grep -vE '^\s*$'
  if [ ! -f "$results/$trx" ]; then
    echo "FAILED $name: no test results (build error?); see $results/$name.log"
    broken_projects=$((broken_projects + 1))
    continue
  fi
  p=$(counter passed "$results/$trx"); f=$(counter failed "$results/$trx")
  t=$(counter total "$results/$trx"); e=$(counter executed "$results/$trx")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done

echo
echo "Projects: $skipped_projects skipped (packages unavailable), $broken_projects failed to build or restore"
failed_total=$((failed + broken_projects))
echo "Tests: $passed passed, $failed_total failed, $skipped skipped"
[ "$failed_total" -eq 0 ] && [ "$passed" -gt 0 ]
