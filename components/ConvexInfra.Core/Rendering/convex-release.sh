#!/usr/bin/env bash
# convex-release: applies the Convex release published in SSM Parameter Store to this host, reports the
# outcome to the stack's status parameter, and rolls back to the previous release when the new backend does
# not answer /version in time. Run every minute (and at boot) by convex-release.timer.
#
# A release (rendered by convex-infra) names the files under /etc/convex, the SecureString parameters (and their
# versions) holding the backend's secrets, and the host tooling (this script, its units, convex-host-setup) by
# sha256. Order:
#  0. remove what a killed run left behind (scratch stage directories hold secrets);
#  1. finish an interrupted switch (reinstall its staged files) or rollback: state files survive a reboot;
#  2. nothing to do while the release's sha256 equals the applied (or rejected) one; a release this script
#     cannot use (not JSON, truncated, unsafe paths) is reported 'failed' before anything is installed;
#  3. install new host tooling first, then run the new convex-release;
#  4. stage files, secrets (exactly the versions the release names), CA bundle; validate compose and Caddy;
#     pull the images not on the host yet (convex-bootstrap pre-pulls the first release's at boot): a failure
#     reports 'failed' and leaves the running release untouched (the next run retries);
#  5. keep the running release in previous/, move the stage to staged/ (a stable name), mark the switch,
#     install; when the backend's inputs changed, stop the old backend (SIGINT: it drains) and only then start the
#     new one (never two backends) while Caddy holds requests (lb_try_duration); wait for /version, bring up the
#     rest, check that compose runs the release's images and /etc/convex holds its exact files; then 'applied'.
#     Not healthy in time: restore previous/ the same way, report 'rolled-back' and never retry that release.
# staged/ and previous/ (each with a copy of backend.secrets.env, mode 0600) exist only while a switch or a
# rollback may need them.
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
staged_dir="$state_dir/staged"
tooling_file="$state_dir/tooling.sha256"
reported_file="$state_dir/reported"
report_target_file="$state_dir/report-target"
secrets_name=backend.secrets.env
project=convex
poll_seconds="${CONVEX_HEALTH_POLL_SECONDS:-1}"
health_url="http://127.0.0.1:3210/version"

# What a release may name. Files: flat names or one directory level below /etc/convex; no dot-files, no '..'.
file_path_pattern='^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)?$'
mode_pattern='^0[0-7]{3}$'
secret_name_pattern='^[A-Z_][A-Z0-9_]*$'
# SSM parameter names; no ':' (it separates the version selector).
parameter_pattern='^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$'
version_pattern='^([1-9][0-9]*)?$' # none: the parameter's current version
secrets_tsv='.secrets[] | [.name, .parameter, (.version // "" | tostring)] | @tsv'
files_tsv='.files | to_entries[] | [.key, .value.path, .value.mode] | @tsv'

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

get_parameter() { # NAME
  aws ssm get-parameter --region "$CONVEX_REGION" --name "$1" --query Parameter.Value --output text
}

compose() { docker-compose -p "$project" "$@"; }

# report HASH REVISION STATUS REASON: the stack's status parameter (what pulumi up waits for) and the
# ReleaseFailures metric (what the alarm watches), as named by the last release this host could read (kept in
# $report_target_file), else by host.env (CONVEX_STATUS_PARAMETER, CONVEX_METRIC_NAMESPACE, CONVEX_METRIC_STACK).
# A repeated identical outcome is reported once.
report() {
  local hash=$1 revision=$2 status=$3 reason=$4 parameter="" namespace="" stack="" value failures=0
  { read -r parameter && read -r namespace && read -r stack; } 2>/dev/null <"$report_target_file" || true
  : "${parameter:=${CONVEX_STATUS_PARAMETER:-}}" "${namespace:=${CONVEX_METRIC_NAMESPACE:-}}" "${stack:=${CONVEX_METRIC_STACK:-}}"
  log "release $hash: $status${reason:+ ($reason)}"
  if [[ -z "$parameter" ]]; then
    log "no status parameter known; not reporting"
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
    if curl -fsS --max-time 2 -o /dev/null "$health_url"; then
      return 0
    fi
    sleep "$poll_seconds"
    waited=$((waited + poll_seconds))
  done
  curl -fsS --max-time 5 -o /dev/null "$health_url"
}

# install_files LIST SOURCE_DIR TARGET_DIR: copies each listed relative path from SOURCE_DIR to TARGET_DIR, each
# one replaced atomically. Safe to repeat: a resumed switch installs the same set again.
install_files() {
  local path
  while IFS= read -r path; do
    [[ -n "$path" ]] || continue
    mkdir -p "$(dirname "$3/$path")"
    cp -pf "$2/$path" "$3/$path.new"
    mv -f "$3/$path.new" "$3/$path"
  done <"$1"
}

# compose_images FILE: 'service image' per service of a compose file rendered by convex-infra (two-space service
# keys, four-space 'image:' lines; no other section has image lines).
compose_images() {
  awk '/^  [A-Za-z0-9_.-]+:$/ { s = substr($1, 1, length($1) - 1) }
    /^    image: / { i = $2; gsub(/"/, "", i); print s, i }' "$1"
}

# write_manifest LIST FILES_DIR OUT_DIR: the sha256 of every listed file (OUT_DIR/.sha256) and the image of every
# compose service (OUT_DIR/.images): what verify_running compares with what runs.
write_manifest() {
  local files
  mapfile -t files <"$1"
  (cd "$2" && sha256sum -- "${files[@]}") >"$3/.sha256"
  compose_images "$2/docker-compose.yml" >"$3/.images"
}

# verify_running DIR: true when /etc/convex holds exactly the files DIR/.sha256 names (secrets included, so the
# secret versions too) and compose runs the image DIR/.images names for every service; otherwise false with the
# first difference in verify_problem.
verify_running() {
  local service image id running=""
  if ! verify_problem=$(cd "$conf_dir" && sha256sum --check --quiet "$1/.sha256" 2>&1); then
    verify_problem="/etc/convex is not the release's: ${verify_problem%%$'\n'*}"
    return 1
  fi
  while read -r service image; do
    id=$(compose -f "$conf_dir/docker-compose.yml" ps -q "$service") || id=""
    [[ -z $id ]] || running=$(docker inspect --format '{{.Config.Image}}' "${id%%$'\n'*}") || running=""
    if [[ $running != "$image" ]]; then
      verify_problem="compose runs ${running:-no container} for $service instead of $image"
      return 1
    fi
  done <"$1/.images"
}

# backend_section FILE: the backend service of a compose file rendered by convex-infra (its two-space key to the next).
backend_section() {
  awk '/^  [A-Za-z0-9_.-]+:$/ { inside = ($1 == "backend:") } /^[^ ]/ { inside = 0 } inside' "$1"
}

# backend_changes DIR: true unless the applied release's backend answers and the release in DIR gives it the same
# inputs as /etc/convex does now (its compose service, env files, secrets): only then is the running backend stopped.
backend_changes() {
  local name
  if [[ ! -f "$applied_file" ]] || ! curl -fsS --max-time 2 -o /dev/null "$health_url"; then
    return 0
  fi
  [[ "$(backend_section "$1/docker-compose.yml")" == "$(backend_section "$conf_dir/docker-compose.yml" 2>/dev/null)" ]] || return 0
  for name in backend.env "$secrets_name"; do
    cmp -s "$1/$name" "$conf_dir/$name" || return 0
  done
  return 1
}

# switch_backend: the old backend stops first (compose sends its stop_signal, SIGINT, and waits for the drain up to
# stop_grace_period), then the installed release's starts: never two backends on one database. Only the backend, so
# nothing waits for the dashboard; Caddy holds the requests of the gap (lb_try_duration) and hands them to the new one.
# 'stop backend' stops that service's containers only (docker/compose pkg/compose/stop.go, 0ef4b90: getContainers
# filtered by the named services).
switch_backend() {
  compose -f "$conf_dir/docker-compose.yml" stop backend &&
    compose -f "$conf_dir/docker-compose.yml" up -d --no-deps backend
}

# finish_switch: the switch or rollback is over; its copies of the secrets go with it.
finish_switch() {
  rm -f "$switching_file" "$rollback_file"
  rm -rf "$staged_dir" "$previous_dir"
}

# activate HASH REVISION TIMEOUT [RESTART]: brings up the files staged/ installed under /etc/convex (the backend
# first, switched unless RESTART is 0), waits for the backend, brings up the rest, checks that exactly the release
# runs, then records and reports it. Never returns.
activate() {
  local hash=$1 revision=$2 timeout=$3 restart=${4:-1} start=$SECONDS
  if ((restart)); then
    switch_backend || log "docker-compose did not switch the backend cleanly; waiting for it anyway"
  fi
  if ! healthy $((timeout - (SECONDS - start))); then
    rollback "$hash" "$revision" reject "the new backend did not answer /version within ${timeout}s"
  fi
  # The rest (dashboard, Caddy) once the backend answers: the dashboard waits for a healthy backend.
  compose -f "$conf_dir/docker-compose.yml" up -d --remove-orphans ||
    rollback "$hash" "$revision" reject "docker-compose up failed after the backend became healthy"
  compose -f "$conf_dir/docker-compose.yml" exec -T caddy \
    caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile ||
    rollback "$hash" "$revision" reject "Caddy did not reload the new configuration"
  verify_running "$staged_dir" ||
    rollback "$hash" "$revision" reject "after the switch $verify_problem"
  docker image prune -af >/dev/null || log "could not prune unused images (continuing)"
  printf '%s\n' "$hash" >"$applied_file.tmp"
  mv -f "$applied_file.tmp" "$applied_file"
  finish_switch
  report "$hash" "$revision" applied ""
  exit 0
}

# rollback HASH REVISION reject|retry REASON: puts previous/ back and brings it up. Marked in $rollback_file
# first, so a reboot in the middle resumes here. 'reject' never tries HASH again; 'retry' (the host, not the
# release, failed) lets the next run apply it again. Never returns.
rollback() {
  local hash=$1 revision=$2 mode=$3 reason=$4 previous_hash timeout
  printf '%s %s %s %s\n' "$hash" "$revision" "$mode" "$reason" >"$rollback_file.tmp"
  mv -f "$rollback_file.tmp" "$rollback_file"
  rm -f "$switching_file"
  if [[ ! -f "$previous_dir/applied.sha256" ]]; then
    # A first release has nothing to return to: leave it running (it may still come up) and retry next run.
    finish_switch
    report "$hash" "$revision" failed "$reason; there is no previous release to return to, the next run retries"
    exit 1
  fi
  previous_hash=$(cat "$previous_dir/applied.sha256")
  timeout=$(cat "$previous_dir/timeout" 2>/dev/null || echo 600)
  log "rolling back release $hash to $previous_hash: $reason"
  install_files "$previous_dir/applied.files" "$previous_dir/files" "$conf_dir"
  cp -f "$previous_dir/applied.files" "$applied_list"
  [[ "$mode" == retry ]] || printf '%s\n' "$hash" >"$rejected_file"
  # The failed backend stops before the previous one starts, as in a switch.
  switch_backend || log "docker-compose did not switch back cleanly; waiting for the previous backend anyway"
  if healthy "$timeout" && compose -f "$conf_dir/docker-compose.yml" up -d --remove-orphans; then
    compose -f "$conf_dir/docker-compose.yml" exec -T caddy \
      caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile || log "Caddy did not reload the previous configuration"
    if verify_running "$previous_dir"; then
      printf '%s\n' "$previous_hash" >"$applied_file"
      finish_switch
      report "$hash" "$revision" rolled-back "$reason; release $previous_hash serves again"
      exit 1
    fi
    reason="$reason; after the rollback $verify_problem"
  else
    reason="$reason; the previous release $previous_hash did not answer /version either"
  fi
  finish_switch
  report "$hash" "$revision" failed "$reason"
  exit 1
}

# 0. A killed run leaves its scratch stage behind (with the secrets), and staged/ or previous/ once no switch or
# rollback can need them any more.
clean_stale_state() {
  rm -rf "$state_dir"/stage.*
  if [[ ! -f "$switching_file" ]]; then
    rm -rf "$staged_dir"
    [[ -f "$rollback_file" ]] || rm -rf "$previous_dir" "$previous_dir.new"
  fi
}

# 1. Finish what a reboot (or a killed run) interrupted: a rollback, or a switch, which installs its staged files
# again (a crash may have left any mix of old and new ones) and continues; without them it rolls back.
resume_interrupted() {
  local r_hash r_revision r_mode r_reason s_hash s_revision s_timeout
  if [[ -f "$rollback_file" ]]; then
    read -r r_hash r_revision r_mode r_reason <"$rollback_file"
    log "resuming the interrupted rollback of release $r_hash"
    rollback "$r_hash" "$r_revision" "$r_mode" "$r_reason"
  fi
  if [[ -f "$switching_file" ]]; then
    read -r s_hash s_revision s_timeout <"$switching_file"
    if [[ "$(cat "$staged_dir/.release" 2>/dev/null)" == "$s_hash $s_revision $s_timeout" ]]; then
      log "resuming the interrupted switch to release $s_hash: installing its staged files again"
      install_files "$staged_dir/.files" "$staged_dir" "$conf_dir"
      activate "$s_hash" "$s_revision" "$s_timeout"
    fi
    rollback "$s_hash" "$s_revision" retry "the switch was interrupted and its staged files are gone; the next run retries"
  fi
}

# release_problem RELEASE: prints why this script cannot apply RELEASE (nothing when it can). Checked before
# anything is installed, the host tooling included.
release_problem() {
  local path mode name parameter version
  if ! jq -se 'length == 1 and (.[0] | .format == 2 and (.revision, .host.statusParameter, .host.tooling.parameter,
      .host.tooling.sha256 | type) == "string" and ((.host.toolingParts // []) | type) == "array"
      and all((.host.toolingParts // [])[]; (.parameter, .sha256 | type) == "string")
      and all(.files[]; (.path, .mode, .content | type) == "string")
      and all(.secrets[]; (.name, .parameter | type) == "string"))' >/dev/null 2>&1 <<<"$1"; then
    echo "it is not a format-2 release (not JSON, truncated, or a field is missing)"
    return
  fi
  # @tsv escapes tabs and line breaks, so a name holding one fails its pattern.
  while IFS=$'\t' read -r path mode; do
    if ! [[ $path =~ $file_path_pattern && $mode =~ $mode_pattern ]] || [[ $path == "$secrets_name" ]]; then
      echo "refusing file path '$path' (mode '$mode')"
      return
    fi
  done < <(jq -r '.files[] | [.path, .mode] | @tsv' <<<"$1")
  while IFS=$'\t' read -r name parameter version; do
    if ! [[ $name =~ $secret_name_pattern && $parameter =~ $parameter_pattern && $version =~ $version_pattern ]]; then
      echo "refusing secret '$name' in '$parameter' version '$version'"
      return
    fi
  done < <(jq -r "$secrets_tsv" <<<"$1")
}

# read_secret PARAMETER VERSION: sets secret_value to exactly VERSION of the SecureString PARAMETER (read as
# PARAMETER:VERSION; the current version when the release names none). Right after a write SSM may not serve the
# new version yet (ParameterVersionNotFound) or answer an older one: retried with doubling pauses while the
# release's health deadline ($timeout, shared by all secrets through secret_waited) allows. Otherwise false with
# the reason in secret_problem: the backend never starts with another secret than the one the release names.
read_secret() {
  local answer got delay=2
  while true; do
    if answer=$(aws ssm get-parameter --region "$CONVEX_REGION" --name "$1${2:+:$2}" --with-decryption \
      --query Parameter --output json 2>"$stage/.error"); then
      got=$(printf '%s' "$answer" | jq -r .Version)
      if [[ -z $2 || $got == "$2" ]]; then
        secret_value=$(printf '%s' "$answer" | jq -r '.Value // empty')
        return 0
      fi
      secret_problem="SSM answered version $got of $1, the release names version $2"
    elif grep -q ParameterVersionNotFound "$stage/.error"; then
      secret_problem="SSM does not serve version $2 of $1 yet (ParameterVersionNotFound)"
    else
      secret_problem="cannot read SecureString parameter $1"
      return 1
    fi
    ((secret_waited + delay <= timeout)) || return 1
    log "$secret_problem; retrying in ${delay}s"
    sleep "$delay"
    secret_waited=$((secret_waited + delay))
    delay=$((delay < 30 ? delay * 2 : 60))
  done
}

# tooling_parts: one line per part of the host tooling the release names, part 1 (.host.tooling, where a
# single-part convex-release and the bootstrap look) first: PARAMETER<TAB>SHA256.
tooling_parts() {
  jq -r '(.host.tooling, (.host.toolingParts // [])[]) | [.parameter, .sha256] | @tsv' <<<"$release"
}

# fetch_tooling_part PARAMETER SHA256: prints the part's JSON, or aborts when it is unreadable or not the part the
# release names (SSM may still serve the previous value: the next run retries).
fetch_tooling_part() {
  local value json
  value=$(get_parameter "$1") || abort "cannot read the host tooling parameter $1"
  json=$(printf '%s' "$value" | base64 -d | gzip -dc) || abort "the host tooling in $1 is not base64 gzip"
  [[ "$(printf '%s' "$json" | sha256sum | cut -d' ' -f1)" == "$2" ]] ||
    abort "the host tooling in $1 does not match the release (sha256 $2)"
  printf '%s' "$json"
}

# install_tooling_files JSON: writes the files of one checked tooling part.
install_tooling_files() {
  local i path mode
  while IFS=$'\t' read -r i path mode; do
    [[ $path =~ ^/(usr/local/sbin/convex-[a-z-]+|etc/systemd/system/(convex-[a-z-]+\.(service|timer)|dnf-automatic\.timer\.d/convex\.conf)|etc/dnf/automatic\.conf)$ ]] ||
      abort "refusing host tooling path '$path'"
    [[ $mode =~ $mode_pattern ]] || abort "refusing mode '$mode' for $path"
    mkdir -p "$(dirname "$root$path")"
    jq -j ".files[$i].content" <<<"$1" >"$root$path.new"
    chmod "$mode" "$root$path.new"
    mv -f "$root$path.new" "$root$path"
  done < <(jq -r "$files_tsv" <<<"$1")
}

# install_tooling: every part the release names, all fetched and checked before any file is written; recorded
# (the parts' sha256s, space-separated: one part reads as before parts existed) only once all are installed. A
# release that changes this script is applied by the new script.
install_tooling() {
  local tooling_id part parameter sha
  local -a parts jsons=()
  mapfile -t parts < <(tooling_parts)
  tooling_id=$(printf '%s\n' "${parts[@]}" | cut -f2 | paste -sd' ')
  [[ "$tooling_id" != "$(cat "$tooling_file" 2>/dev/null)" ]] || return 0
  log "installing host tooling $tooling_id (${#parts[@]} part(s))"
  for part in "${parts[@]}"; do
    IFS=$'\t' read -r parameter sha <<<"$part"
    jsons+=("$(fetch_tooling_part "$parameter" "$sha")") || exit 1
  done
  for part in "${jsons[@]}"; do
    install_tooling_files "$part"
  done
  systemctl daemon-reload || log "systemctl daemon-reload failed (continuing)"
  "$root/usr/local/sbin/convex-host-setup" || abort "convex-host-setup failed"
  printf '%s\n' "$tooling_id" >"$tooling_file"
  if [[ "${CONVEX_RELEASE_REEXEC:-}" != "$tooling_id" ]]; then
    log "host tooling $tooling_id installed; continuing with the new convex-release"
    exec 9>&-
    CONVEX_RELEASE_REEXEC=$tooling_id exec "$root/usr/local/sbin/convex-release" "$@"
  fi
}

# stage_release: the release's files, its secrets and the CA bundle in the scratch directory $stage, validated
# by compose and Caddy, images pulled, with the manifest verify_running checks. The running release is untouched.
stage_release() {
  local i path mode name parameter version
  : >"$stage/.files"
  while IFS=$'\t' read -r i path mode; do
    mkdir -p "$(dirname "$stage/$path")"
    jq -j ".files[$i].content" <<<"$release" >"$stage/$path"
    chmod "$mode" "$stage/$path"
    printf '%s\n' "$path" >>"$stage/.files"
  done < <(jq -r "$files_tsv" <<<"$release")

  : >"$stage/$secrets_name"
  chmod 0600 "$stage/$secrets_name"
  secret_waited=0
  while IFS=$'\t' read -r name parameter version; do
    read_secret "$parameter" "$version" || abort "$secret_problem (after ${secret_waited}s of retries)"
    if [[ -z $secret_value || $secret_value == *$'\n'* ]]; then
      abort "SecureString parameter $parameter is empty or spans several lines"
    fi
    printf '%s=%s\n' "$name" "$secret_value" >>"$stage/$secrets_name"
  done < <(jq -r "$secrets_tsv" <<<"$release")
  secret_value=""
  rm -f "$stage/.error"
  printf '%s\n' "$secrets_name" >>"$stage/.files"

  ca_bundle="$conf_dir/certs/rds-global-bundle.pem"
  if [[ ! -s "$ca_bundle" ]]; then
    curl -fsSL --retry 3 -o "$stage/rds-ca.pem" "$CONVEX_RDS_CA_URL" || abort "cannot download the RDS CA bundle from $CONVEX_RDS_CA_URL"
    grep -q 'BEGIN CERTIFICATE' "$stage/rds-ca.pem" || abort "$CONVEX_RDS_CA_URL did not return PEM certificates"
    mkdir -p "$conf_dir/certs"
    chmod 0644 "$stage/rds-ca.pem"
    mv -f "$stage/rds-ca.pem" "$ca_bundle"
  fi

  compose -f "$stage/docker-compose.yml" config -q || abort "the release's compose file is invalid"
  pull_missing_images "$stage/docker-compose.yml"
  compose -f "$stage/docker-compose.yml" run --rm --no-deps -T caddy \
    caddy validate --config /etc/caddy/Caddyfile --adapter caddyfile >/dev/null ||
    abort "Caddy rejects the release's Caddyfile"
  write_manifest "$stage/.files" "$stage" "$stage"
  [[ -s "$stage/.images" ]] || abort "the release's compose file names no images"
  printf '%s %s %s\n' "$hash" "$revision" "$timeout" >"$stage/.release"
}

# pull_missing_images FILE: pulls the images of FILE not on the host yet. Every tag is pinned (a git revision, a Caddy
# version), so an image on the host is the release's; the first release finds the ones convex-bootstrap pre-pulled.
pull_missing_images() {
  local service image
  while read -r service image; do
    docker image inspect "$image" >/dev/null 2>&1 && continue
    log "pulling $image ($service)"
    docker pull -q "$image" >/dev/null || abort "cannot pull the release's images ($image)"
  done < <(compose_images "$1")
}

# keep_previous: a copy of the running release (files, secrets included, and manifest) for a rollback.
keep_previous() {
  if [[ ! -f "$applied_file" ]] || [[ ! -f "$applied_list" ]]; then
    return 0
  fi
  rm -rf "$previous_dir.new"
  install_files "$applied_list" "$conf_dir" "$previous_dir.new/files"
  cp "$applied_list" "$previous_dir.new/applied.files"
  cp "$state_dir/applied.timeout" "$previous_dir.new/timeout" 2>/dev/null || printf '%s\n' "$timeout" >"$previous_dir.new/timeout"
  cp "$applied_file" "$previous_dir.new/applied.sha256"
  write_manifest "$previous_dir.new/applied.files" "$previous_dir.new/files" "$previous_dir.new"
  rm -rf "$previous_dir"
  mv "$previous_dir.new" "$previous_dir"
}

# switch: staged/ under its stable name first, then the marker, then the files; from the marker on, a reboot
# resumes with exactly these files (resume_interrupted). Never returns.
switch() {
  local restart=0
  ! backend_changes "$stage" || restart=1
  rm -rf "$staged_dir"
  mv "$stage" "$staged_dir"
  printf '%s %s %s\n' "$hash" "$revision" "$timeout" >"$switching_file.tmp"
  mv -f "$switching_file.tmp" "$switching_file"
  install_files "$staged_dir/.files" "$staged_dir" "$conf_dir"
  cp -f "$staged_dir/.files" "$applied_list"
  printf '%s\n' "$timeout" >"$state_dir/applied.timeout"
  activate "$hash" "$revision" "$timeout" "$restart"
}

clean_stale_state
resume_interrupted

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

problem=$(release_problem "$release") || problem="it cannot be checked"
if [[ -n "$problem" ]]; then
  revision=$(jq -r '.revision // empty | strings' 2>/dev/null <<<"$release") || revision=""
  report "$hash" "$revision" failed "this host cannot use the release: $problem; the running release was not touched"
  exit 1
fi
jq -r '.host | .statusParameter, (.metricNamespace // ""), (.metricStack // "")' <<<"$release" >"$report_target_file.tmp"
mv -f "$report_target_file.tmp" "$report_target_file"
revision=$(jq -r '.revision' <<<"$release")
timeout=$(jq -r '.host.healthTimeoutSeconds' <<<"$release")
[[ $timeout =~ ^[1-9][0-9]*$ ]] || timeout=600

abort() {
  report "$hash" "$revision" failed "$*; the running release was not touched, the next run retries"
  exit 1
}

# 3. Host tooling first.
install_tooling "$@"

log "applying release $hash (image revision $revision)"

# 4. Stage and validate everything before touching the running release.
stage=$(mktemp -d "$state_dir/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
stage_release

# 5. Keep the running release for a rollback, then switch.
keep_previous
switch
