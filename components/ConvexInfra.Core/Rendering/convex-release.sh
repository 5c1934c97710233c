#!/usr/bin/env bash
# convex-release: applies the Convex release published in SSM Parameter Store to this host, reports the
# outcome to the stack's status parameter, and rolls back to the previous release when the new backend does
# not answer /version in time. Run every minute (and at boot) by convex-release.timer.
#
# A release (rendered by convex-infra) names the files under /etc/convex, the SecureString parameters holding
# the backend's secrets, and the host tooling (this script, its units, convex-host-setup) by sha256. Order:
#  1. finish an interrupted switch or rollback (state files below survive a reboot);
#  2. nothing to do while the release's sha256 equals the applied (or rejected) one;
#  3. install new host tooling first, then run the new convex-release;
#  4. stage files, secrets, CA bundle; validate compose and Caddy; pull images: a failure reports 'failed' and
#     leaves the running release untouched (the next run retries);
#  5. keep the running release in previous/, switch (compose stops the old backend before it starts the new
#     one: never two backends), wait for /version; healthy: 'applied'; not healthy in time: restore
#     previous/, report 'rolled-back' and never retry that release.
set -euo pipefail
set +x # secrets pass through this script: never trace it
umask 077

root="${CONVEX_ROOT:-}"
conf_dir="$root/etc/convex"
state_dir="$root/var/lib/convex"
applied_file="$state_dir/applied.sha256"
applied_list="$state_dir/applied.files"
rejected_file="$state_dir/rejected.sha256"
switching_file="$state_dir/switching"
rollback_file="$state_dir/rollback"
previous_dir="$state_dir/previous"
tooling_file="$state_dir/tooling.sha256"
reported_file="$state_dir/reported"
project=convex
poll_seconds="${CONVEX_HEALTH_POLL_SECONDS:-5}"
health_url="http://127.0.0.1:3210/version"

log() { printf 'convex-release: %s\n' "$*" >&2; }

# shellcheck source=/dev/null
. "$conf_dir/host.env"
: "${CONVEX_REGION:?host.env must set CONVEX_REGION}"
: "${CONVEX_RELEASE_PARAMETER:?host.env must set CONVEX_RELEASE_PARAMETER}"
: "${CONVEX_RDS_CA_URL:?host.env must set CONVEX_RDS_CA_URL}"

mkdir -p "$state_dir"
exec 9>"$state_dir/lock"
if ! flock -n 9; then
  log "another run is applying a release; skipping"
  exit 0
fi

get_parameter() { # NAME [--with-decryption]
  aws ssm get-parameter --region "$CONVEX_REGION" --name "$1" "${@:2}" --query Parameter.Value --output text
}

compose() { docker-compose -p "$project" "$@"; }

# report HASH REVISION STATUS REASON: the stack's status parameter (what pulumi up waits for) and the
# ReleaseFailures metric (what the alarm watches). A repeated identical outcome is reported once.
report() {
  local hash=$1 revision=$2 status=$3 reason=$4 parameter namespace stack value failures=0
  parameter=$(jq -r '.host.statusParameter // empty' <"$state_dir/release.json" 2>/dev/null || true)
  namespace=$(jq -r '.host.metricNamespace // empty' <"$state_dir/release.json" 2>/dev/null || true)
  stack=$(jq -r '.host.metricStack // empty' <"$state_dir/release.json" 2>/dev/null || true)
  log "release $hash: $status${reason:+ ($reason)}"
  if [[ -z "$parameter" ]]; then
    log "the release names no status parameter; not reporting"
    return 0
  fi
  if [[ -f "$reported_file" ]] && [[ "$(cat "$reported_file")" == "$hash $status $reason" ]]; then
    return 0
  fi
  value=$(jq -nc --arg release "$hash" --arg revision "$revision" --arg status "$status" --arg reason "$reason" \
    --arg time "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    '{release: $release, revision: $revision, status: $status, reason: $reason, time: $time}')
  aws ssm put-parameter --region "$CONVEX_REGION" --name "$parameter" --type String --overwrite --value "$value" >/dev/null ||
    log "could not write the status parameter $parameter"
  [[ "$status" == applied ]] || failures=1
  if [[ -n "$namespace" ]]; then
    aws cloudwatch put-metric-data --region "$CONVEX_REGION" --namespace "$namespace" --metric-name ReleaseFailures \
      --dimensions "Stack=$stack" --value "$failures" --unit Count ||
      log "could not publish the ReleaseFailures metric"
  fi
  printf '%s\n' "$hash $status $reason" >"$reported_file"
}

# healthy SECONDS: true once the backend answers /version, polling until SECONDS have passed.
healthy() {
  local timeout=$1 waited=0 start=$SECONDS
  while ((waited < timeout && SECONDS - start < timeout)); do
    if curl -fsS --max-time 5 -o /dev/null "$health_url"; then
      return 0
    fi
    sleep "$poll_seconds"
    waited=$((waited + poll_seconds))
  done
  curl -fsS --max-time 5 -o /dev/null "$health_url"
}

# install_files LIST SOURCE_DIR TARGET_DIR: moves each listed relative path from SOURCE_DIR to TARGET_DIR.
install_files() {
  local path
  while IFS= read -r path; do
    [[ -n "$path" ]] || continue
    mkdir -p "$(dirname "$3/$path")"
    cp -pf "$2/$path" "$3/$path.new"
    mv -f "$3/$path.new" "$3/$path"
  done <"$1"
}

# activate HASH REVISION TIMEOUT: brings up the files now under /etc/convex and waits for the backend.
activate() {
  local hash=$1 revision=$2 timeout=$3 start=$SECONDS
  compose -f "$conf_dir/docker-compose.yml" up -d --remove-orphans ||
    log "docker-compose up did not finish cleanly; waiting for the backend anyway"
  if ! healthy $((timeout - (SECONDS - start))); then
    rollback "$hash" "$revision" "the new backend did not answer /version within ${timeout}s"
  fi
  # The dashboard waits for a healthy backend; a second up starts it if the first gave up early.
  compose -f "$conf_dir/docker-compose.yml" up -d --remove-orphans ||
    rollback "$hash" "$revision" "docker-compose up failed after the backend became healthy"
  compose -f "$conf_dir/docker-compose.yml" exec -T caddy \
    caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile ||
    rollback "$hash" "$revision" "Caddy did not reload the new configuration"
  docker image prune -af >/dev/null || log "could not prune unused images (continuing)"
  printf '%s\n' "$hash" >"$applied_file.tmp"
  mv -f "$applied_file.tmp" "$applied_file"
  rm -f "$switching_file"
  report "$hash" "$revision" applied ""
  exit 0
}

# rollback HASH REVISION REASON: puts previous/ back and brings it up. Marked in $rollback_file first, so a
# reboot in the middle resumes here. Never returns.
rollback() {
  local hash=$1 revision=$2 reason=$3 previous_hash timeout
  printf '%s %s %s\n' "$hash" "$revision" "$reason" >"$rollback_file.tmp"
  mv -f "$rollback_file.tmp" "$rollback_file"
  rm -f "$switching_file"
  if [[ ! -f "$previous_dir/applied.sha256" ]]; then
    # A first release has nothing to return to: leave it running (it may still come up) and retry next run.
    rm -f "$rollback_file"
    report "$hash" "$revision" failed "$reason; there is no previous release to return to, the next run retries"
    exit 1
  fi
  previous_hash=$(cat "$previous_dir/applied.sha256")
  timeout=$(cat "$previous_dir/timeout" 2>/dev/null || echo 600)
  log "rolling back release $hash to $previous_hash: $reason"
  install_files "$previous_dir/applied.files" "$previous_dir/files" "$conf_dir"
  cp -f "$previous_dir/applied.files" "$applied_list"
  # Recreating the backend from the previous compose file stops the failed backend first.
  if compose -f "$conf_dir/docker-compose.yml" up -d --remove-orphans && healthy "$timeout"; then
    compose -f "$conf_dir/docker-compose.yml" exec -T caddy \
      caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile || log "Caddy did not reload the previous configuration"
    printf '%s\n' "$previous_hash" >"$applied_file"
    printf '%s\n' "$hash" >"$rejected_file"
    rm -f "$rollback_file"
    report "$hash" "$revision" rolled-back "$reason; release $previous_hash serves again"
  else
    printf '%s\n' "$hash" >"$rejected_file"
    rm -f "$rollback_file"
    report "$hash" "$revision" failed "$reason; the previous release $previous_hash did not answer /version either"
  fi
  exit 1
}

# 1. Finish what a reboot (or a killed run) interrupted.
if [[ -f "$rollback_file" ]]; then
  read -r r_hash r_revision r_reason <"$rollback_file"
  log "resuming the interrupted rollback of release $r_hash"
  rollback "$r_hash" "$r_revision" "$r_reason"
fi
if [[ -f "$switching_file" ]]; then
  read -r s_hash s_revision s_timeout <"$switching_file"
  log "resuming the interrupted switch to release $s_hash"
  activate "$s_hash" "$s_revision" "$s_timeout"
fi

# 2. Anything new?
release=$(get_parameter "$CONVEX_RELEASE_PARAMETER") || {
  log "cannot read SSM parameter $CONVEX_RELEASE_PARAMETER; the next run retries"
  exit 1
}
hash=$(printf '%s' "$release" | sha256sum | cut -d' ' -f1)
for done_file in "$applied_file" "$rejected_file"; do
  if [[ -f "$done_file" ]] && [[ "$hash" == "$(cat "$done_file")" ]]; then
    exit 0
  fi
done

if ! jq -e '.format == 2' >/dev/null <<<"$release"; then
  log "release $hash is not format-2 JSON; the next run retries"
  exit 1
fi
printf '%s' "$release" >"$state_dir/release.json"
revision=$(jq -r '.revision' <<<"$release")
timeout=$(jq -r '.host.healthTimeoutSeconds' <<<"$release")
[[ $timeout =~ ^[1-9][0-9]*$ ]] || timeout=600

abort() {
  report "$hash" "$revision" failed "$*; the running release was not touched, the next run retries"
  exit 1
}

# 3. Host tooling first: a release that changes this script is applied by the new script.
tooling_sha=$(jq -r '.host.tooling.sha256' <<<"$release")
installed_tooling=$(cat "$tooling_file" 2>/dev/null || true)
if [[ "$tooling_sha" != "$installed_tooling" ]]; then
  tooling_parameter=$(jq -r '.host.tooling.parameter' <<<"$release")
  log "installing host tooling $tooling_sha from $tooling_parameter"
  tooling=$(get_parameter "$tooling_parameter") || abort "cannot read the host tooling parameter $tooling_parameter"
  tooling_json=$(printf '%s' "$tooling" | base64 -d | gzip -dc) || abort "the host tooling in $tooling_parameter is not base64 gzip"
  [[ "$(printf '%s' "$tooling_json" | sha256sum | cut -d' ' -f1)" == "$tooling_sha" ]] ||
    abort "the host tooling in $tooling_parameter does not match the release (sha256 $tooling_sha)"
  count=$(jq '.files | length' <<<"$tooling_json")
  for ((i = 0; i < count; i++)); do
    path=$(jq -r ".files[$i].path" <<<"$tooling_json")
    mode=$(jq -r ".files[$i].mode" <<<"$tooling_json")
    [[ $path =~ ^/(usr/local/sbin/convex-[a-z-]+|etc/systemd/system/(convex-[a-z-]+\.(service|timer)|dnf-automatic\.timer\.d/convex\.conf)|etc/dnf/automatic\.conf)$ ]] ||
      abort "refusing host tooling path '$path'"
    [[ $mode =~ ^0[0-7]{3}$ ]] || abort "refusing mode '$mode' for $path"
    mkdir -p "$(dirname "$root$path")"
    jq -j ".files[$i].content" <<<"$tooling_json" >"$root$path.new"
    chmod "$mode" "$root$path.new"
    mv -f "$root$path.new" "$root$path"
  done
  systemctl daemon-reload || log "systemctl daemon-reload failed (continuing)"
  "$root/usr/local/sbin/convex-host-setup" || abort "convex-host-setup failed"
  printf '%s\n' "$tooling_sha" >"$tooling_file"
  if [[ "${CONVEX_RELEASE_REEXEC:-}" != "$tooling_sha" ]]; then
    log "host tooling $tooling_sha installed; continuing with the new convex-release"
    exec 9>&-
    CONVEX_RELEASE_REEXEC=$tooling_sha exec "$root/usr/local/sbin/convex-release" "$@"
  fi
fi

log "applying release $hash (image revision $revision)"

# 4. Stage and validate everything before touching the running release.
stage=$(mktemp -d "$state_dir/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
: >"$stage/.files"

count=$(jq '.files | length' <<<"$release")
for ((i = 0; i < count; i++)); do
  path=$(jq -r ".files[$i].path" <<<"$release")
  mode=$(jq -r ".files[$i].mode" <<<"$release")
  # Flat names or one directory level below /etc/convex; no dot-files, no '..'.
  [[ $path =~ ^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)?$ ]] || abort "refusing file path '$path'"
  [[ $mode =~ ^0[0-7]{3}$ ]] || abort "refusing mode '$mode' for $path"
  mkdir -p "$(dirname "$stage/$path")"
  jq -j ".files[$i].content" <<<"$release" >"$stage/$path"
  chmod "$mode" "$stage/$path"
  printf '%s\n' "$path" >>"$stage/.files"
done

secrets_file="$stage/backend.secrets.env"
: >"$secrets_file"
chmod 0600 "$secrets_file"
count=$(jq '.secrets | length' <<<"$release")
for ((i = 0; i < count; i++)); do
  name=$(jq -r ".secrets[$i].name" <<<"$release")
  parameter=$(jq -r ".secrets[$i].parameter" <<<"$release")
  [[ $name =~ ^[A-Z_][A-Z0-9_]*$ ]] || abort "refusing secret variable name '$name'"
  value=$(get_parameter "$parameter" --with-decryption) || abort "cannot read SecureString parameter $parameter"
  if [[ -z "$value" ]] || [[ $value == *$'\n'* ]]; then
    abort "SecureString parameter $parameter is empty or spans several lines"
  fi
  printf '%s=%s\n' "$name" "$value" >>"$secrets_file"
done
unset value
printf '%s\n' backend.secrets.env >>"$stage/.files"

ca_bundle="$conf_dir/certs/rds-global-bundle.pem"
if [[ ! -s "$ca_bundle" ]]; then
  curl -fsSL --retry 3 -o "$stage/rds-ca.pem" "$CONVEX_RDS_CA_URL" || abort "cannot download the RDS CA bundle from $CONVEX_RDS_CA_URL"
  grep -q 'BEGIN CERTIFICATE' "$stage/rds-ca.pem" || abort "$CONVEX_RDS_CA_URL did not return PEM certificates"
  mkdir -p "$conf_dir/certs"
  chmod 0644 "$stage/rds-ca.pem"
  mv -f "$stage/rds-ca.pem" "$ca_bundle"
fi

compose -f "$stage/docker-compose.yml" config -q || abort "the release's compose file is invalid"
compose -f "$stage/docker-compose.yml" pull -q || abort "cannot pull the release's images"
compose -f "$stage/docker-compose.yml" run --rm --no-deps -T caddy \
  caddy validate --config /etc/caddy/Caddyfile --adapter caddyfile >/dev/null ||
  abort "Caddy rejects the release's Caddyfile"

# 5. Keep the running release for a rollback, then switch.
if [[ -f "$applied_file" ]] && [[ -f "$applied_list" ]]; then
  rm -rf "$previous_dir.new"
  mkdir -p "$previous_dir.new/files"
  while IFS= read -r path; do
    [[ -n "$path" ]] || continue
    mkdir -p "$(dirname "$previous_dir.new/files/$path")"
    cp -p "$conf_dir/$path" "$previous_dir.new/files/$path"
  done <"$applied_list"
  cp "$applied_list" "$previous_dir.new/applied.files"
  cp "$state_dir/applied.timeout" "$previous_dir.new/timeout" 2>/dev/null || printf '%s\n' "$timeout" >"$previous_dir.new/timeout"
  cp "$applied_file" "$previous_dir.new/applied.sha256"
  rm -rf "$previous_dir"
  mv "$previous_dir.new" "$previous_dir"
fi

printf '%s %s %s\n' "$hash" "$revision" "$timeout" >"$switching_file.tmp"
mv -f "$switching_file.tmp" "$switching_file"
install_files "$stage/.files" "$stage" "$conf_dir"
cp -f "$stage/.files" "$applied_list"
printf '%s\n' "$timeout" >"$state_dir/applied.timeout"
activate "$hash" "$revision" "$timeout"
