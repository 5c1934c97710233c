#!/usr/bin/env bash
# The README's test command. First the tool check (scripts/install-test-tools.sh): it installs the real tools the
# tests call, or says what to install and exits 2 before any test runs. Then every test project whose packages
# restore is built, one build at a time (they share projects), and all of them are tested at once, each in its own
# process (a project's own tests keep their xunit settings); each that cannot restore is reported as SKIPPED.
# Closing line: "Tests: N passed, N failed, N skipped". Exit code 0 only when nothing failed; 2 when tools are missing.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter Category!=Tools]
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash "$root/scripts/install-test-tools.sh"
status=$?
if [ "$status" -ne 0 ]; then
  exit "$status"
fi

passed=0 failed=0 skipped=0 skipped_projects=0 broken_projects=0
started=$SECONDS

counter() { # counter NAME FILE -> value of NAME="…" in the TRX Counters element
  sed -n "s/.*<Counters [^>]*\b$1=\"\([0-9]*\)\".*/\1/p" "$2" | head -n 1
}

source "$root/scripts/restore.sh"

built=()
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  log="$results/$name.restore.log"
  echo "== $name: restoring and building"
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
  # Builds one after another: two builds of the shared projects (Core) at once would write the same files.
  if ! dotnet build "$project" --no-restore --nologo -v quiet >"$results/$name.build.log" 2>&1; then
    echo "FAILED $name: build failed; see $results/$name.build.log"
    grep -E 'error [A-Z]+[0-9]+' "$results/$name.build.log" | sort -u | head -n 20
    broken_projects=$((broken_projects + 1))
    continue
  fi
  built+=("$project")
done
echo "== restored and built in $((SECONDS - started)) s"

# Test classes that run in a test host of their own beside the rest of their project: the component tests' dotnet
# pack and example builds (a third of that project's time) need none of the Pulumi deployments that the rest of the
# project runs one at a time. The two hosts' filters are complements ("~" is "contains"), so every test runs once.
declare -A apart=(
  [ConvexInfra.Components.Tests]="ConvexInfra.Components.Tests.Provider.PackTests ConvexInfra.Components.Tests.Provider.ExampleTests"
)

# A --filter of the caller's is combined with those filters; every other argument goes to each dotnet test as given.
user_filter="" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) user_filter=${2:-}; shift 2 || shift ;;
    --filter=*) user_filter=${1#--filter=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

filter_args() { # filter_args EXPRESSION -> the --filter arguments for EXPRESSION and the caller's filter
  local expression=$1
  if [ -n "$user_filter" ] && [ -n "$expression" ]; then
    expression="($user_filter)&($expression)"
  elif [ -n "$user_filter" ]; then
    expression=$user_filter
  fi
  [ -z "$expression" ] || printf '%s\n' --filter "$expression"
}

# The built projects run at the same time, each in its own test host (the Core and CLI tests overlap with the
# component tests' one-at-a-time Pulumi deployments). SIGINT and SIGQUIT are reset to their defaults: a background
# job of a script starts with both ignored, and the tests that send signals to scripts need them as a shell has them.
tested=$SECONDS
runs=() pids=()
start_run() { # start_run RUN PROJECT FILTER
  local run=$1 project=$2 filter
  mapfile -t filter < <(filter_args "$3")
  (
    trap - INT QUIT
    exec dotnet test "$project" --no-build --nologo -v quiet \
      --logger "trx;LogFileName=$run.trx" --logger "console;verbosity=minimal" \
      --results-directory "$results" "${filter[@]}" "${args[@]}" >"$results/$run.log" 2>&1
  ) &
  runs+=("$run") pids+=($!)
}
for project in "${built[@]}"; do
  name=$(basename "$project" .csproj)
  if [ -n "${apart[$name]:-}" ]; then
    read -r -a classes <<<"${apart[$name]}"
    inside=$(printf '|FullyQualifiedName~%s' "${classes[@]}") outside=$(printf '&FullyQualifiedName!~%s' "${classes[@]}")
    start_run "$name" "$project" "${outside#&}"
    start_run "$name.apart" "$project" "${inside#|}"
  else
    start_run "$name" "$project" ""
  fi
done
echo "== testing ${runs[*]} at once"
for pid in "${pids[@]}"; do
  wait "$pid"
done

for run in "${runs[@]}"; do
  trx="$results/$run.trx"
  echo "== $run"
  grep -vE '^\s*$' "$results/$run.log"
  if [ ! -f "$trx" ]; then
    if grep -qs 'No test matches the given testcase filter' "$results/$run.log"; then
      continue # the caller's filter selects none of this run's tests
    fi
    echo "FAILED $run: no test results; see $results/$run.log"
    broken_projects=$((broken_projects + 1))
    continue
  fi
  p=$(counter passed "$trx"); f=$(counter failed "$trx")
  t=$(counter total "$trx"); e=$(counter executed "$trx")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done
echo "== tested in $((SECONDS - tested)) s; $((SECONDS - started)) s in all"

echo
echo "Projects: $skipped_projects skipped (packages unavailable), $broken_projects failed to build or restore"
failed_total=$((failed + broken_projects))
echo "Tests: $passed passed, $failed_total failed, $skipped skipped"
[ "$failed_total" -eq 0 ] && [ "$passed" -gt 0 ]
