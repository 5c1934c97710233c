#!/usr/bin/env bash
# Sourced by test.sh and check-format.sh. restore_project PROJECT LOG restores one project (or the solution):
# from the configured NuGet sources first; when those serve no Pulumi package and ../shared/pulumi-feed exists,
# again with that folder as an additional source. Sets RESTORE_STATUS to ok, missing (with RESTORE_MISSING)
# or broken.

pulumi_feed=""
if [ -d "$root/../shared/pulumi-feed" ]; then
  pulumi_feed=$(cd "$root/../shared/pulumi-feed" && pwd)
fi

missing_packages() { # the package ids a restore log could not find, comma-separated
  grep -oE "Unable to find package [A-Za-z0-9_.-]+" "$1" | awk '{sub(/\.$/, "", $5); print $5}' | sort -u | paste -sd, -
}

restore_project() {
  local project=$1 log=$2
  RESTORE_STATUS=ok RESTORE_MISSING=""
  dotnet restore "$project" >"$log" 2>&1 && return 0
  RESTORE_MISSING=$(missing_packages "$log")
  if [ -z "$RESTORE_MISSING" ]; then
    RESTORE_STATUS=broken
    return 1
  fi
  if [ -n "$pulumi_feed" ] && dotnet restore "$project" -p:RestoreAdditionalProjectSources="$pulumi_feed" >>"$log" 2>&1; then
    return 0
  fi
  RESTORE_STATUS=missing
  RESTORE_MISSING=$(missing_packages "$log")
  return 1
}

pulumi_from_folder_feed() { # true when the restored Pulumi package came from a folder feed, as NuGet recorded in the global packages folder
  local packages=${NUGET_PACKAGES:-$HOME/.nuget/packages} source
  source=$(sed -n 's/.*"source": *"\([^"]*\)".*/\1/p' "$packages"/pulumi/*/.nupkg.metadata 2>/dev/null | head -n 1)
  [ -n "$source" ] && [[ "$source" != http* ]]
}
