#!/usr/bin/env bash
# The backup copy's RDS automated backups replication, started by pulumi up (the create step of the command
# <name>-backup-copy-database, DatabaseBackupReplication.cs). It starts the replication and returns at once: RDS takes
# it from pending to replicating on its own, minutes later, while nothing waits for it.
# Reads SOURCE_REGION, COPY_REGION, SOURCE_DB_ARN, KMS_KEY_ARN, RETENTION_DAYS; its last line of output is the
# replicated backups' ARN.
# A live replication into COPY_REGION with the same key and retention is adopted (nothing started); one with other
# settings, or one stopping, is stopped first or waited for (RDS allows one replication per source instance and region).
set -euo pipefail
shopt -s inherit_errexit

: "${SOURCE_REGION:?}" "${COPY_REGION:?}" "${SOURCE_DB_ARN:?}" "${KMS_KEY_ARN:?}" "${RETENTION_DAYS:?}"
poll_seconds=__POLL_SECONDS__
stop_wait_seconds=__STOP_WAIT_SECONDS__
start_attempts=__START_ATTEMPTS__
start_retry_seconds=__START_RETRY_SECONDS__
err=$(mktemp)
trap 'rm -f "${err}"' EXIT

# Progress goes to stdout: the command provider logs a command's stderr as errors (pulumi-command
# provider/pkg/provider/local/command.go, run: util.CopyOutput(..., diag.Error)), so stderr carries failures only.
log() { printf 'rds-backup-replication: %s\n' "$*"; }
fail() { printf 'rds-backup-replication: %s\n' "$*" >&2; }

# The ARN of the source instance's replication into COPY_REGION (RDS lists each one on the source), or nothing.
replication_in_copy_region() {
  local listed arns arn
  listed=$(aws rds describe-db-instances --region "${SOURCE_REGION}" --db-instance-identifier "${SOURCE_DB_ARN}" \
    --query 'DBInstances[0].DBInstanceAutomatedBackupsReplications[].DBInstanceAutomatedBackupsArn' --output text)
  read -r -a arns <<<"${listed}"
  for arn in "${arns[@]}"; do
    if [[ ${arn} == *":rds:${COPY_REGION}:"* ]]; then
      printf '%s\n' "${arn}"
      return 0
    fi
  done
}

start_replication() {
  local attempt=1 status arn
  while true; do
    status=0
    # --source-region makes the CLI presign the request for the source region (PreSignedUrl, needed in GovCloud and
    # ignored elsewhere); the call is made in the copy region.
    arn=$(aws rds start-db-instance-automated-backups-replication --region "${COPY_REGION}" \
      --source-db-instance-arn "${SOURCE_DB_ARN}" --backup-retention-period "${RETENTION_DAYS}" \
      --kms-key-id "${KMS_KEY_ARN}" --source-region "${SOURCE_REGION}" \
      --query 'DBInstanceAutomatedBackup.DBInstanceAutomatedBackupsArn' --output text 2>"${err}") || status=$?
    if [[ ${status} == 0 ]]; then
      log "started into ${COPY_REGION} (pending; RDS reports it replicating within minutes, nothing waits for it)"
      printf '%s\n' "${arn}"
      return 0
    fi
    # Right after its creation the source instance may still be taking its first backup: RDS refuses until it is done.
    if grep -q '(InvalidDBInstanceState)' "${err}" && [[ ${attempt} -lt ${start_attempts} ]]; then
      log "the source instance is not ready for replication yet (InvalidDBInstanceState); retrying in ${start_retry_seconds} s (attempt ${attempt} of ${start_attempts})"
      sleep "${start_retry_seconds}"
      attempt=$((attempt + 1))
      continue
    fi
    cat "${err}" >&2
    if grep -q '(InvalidDBInstanceState)' "${err}"; then
      fail "the source instance still refuses replication after ${start_attempts} attempts (InvalidDBInstanceState). Check its status with 'aws rds describe-db-instances --region ${SOURCE_REGION} --db-instance-identifier ${SOURCE_DB_ARN}' and run pulumi up again once it is available."
    fi
    exit "${status}"
  done
}

existing=$(replication_in_copy_region)
if [[ -n ${existing} ]]; then
  settings=$(aws rds describe-db-instance-automated-backups --region "${COPY_REGION}" --db-instance-automated-backups-arn "${existing}" \
    --query 'DBInstanceAutomatedBackups[0].[KmsKeyId,BackupRetentionPeriod,Status]' --output text)
  read -r key days state <<<"${settings}"
  # Only a live one is adopted: one still stopping (pulumi up --replace just stopped it) is waited for and started again.
  state=${state,,}
  if [[ ${key} == "${KMS_KEY_ARN}" && ${days} == "${RETENTION_DAYS}" && (${state} == pending || ${state} == replicating) ]]; then
    log "already replicating into ${COPY_REGION} with this key and ${RETENTION_DAYS} days (${state}): adopted"
    printf '%s\n' "${existing}"
    exit 0
  fi

  log "a replication into ${COPY_REGION} that is ${state} or has other settings (key ${key}, ${days} days) exists: stopping it first"
  status=0
  aws rds stop-db-instance-automated-backups-replication --region "${COPY_REGION}" --source-db-instance-arn "${SOURCE_DB_ARN}" \
    --query 'DBInstanceAutomatedBackup.Status' --output text >/dev/null 2>"${err}" || status=$?
  # Already stopping (the replaced command's delete ran just before): RDS says it no longer replicates there.
  if [[ ${status} != 0 ]] && ! grep -q 'not replicating to the current region' "${err}"; then
    cat "${err}" >&2
    exit "${status}"
  fi
  waited=0
  while true; do
    current=$(replication_in_copy_region)
    if [[ -z ${current} ]]; then
      break
    fi
    if [[ ${waited} -ge ${stop_wait_seconds} ]]; then
      fail "the stopped replication still shows on the source instance after ${stop_wait_seconds} s. Check it with 'aws rds describe-db-instances --region ${SOURCE_REGION} --db-instance-identifier ${SOURCE_DB_ARN} --query DBInstances[0].DBInstanceAutomatedBackupsReplications' and run pulumi up again once it is gone."
      exit 1
    fi
    sleep "${poll_seconds}"
    waited=$((waited + poll_seconds))
  done
fi

start_replication
