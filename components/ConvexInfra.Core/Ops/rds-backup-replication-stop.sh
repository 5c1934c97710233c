#!/usr/bin/env bash
# Stops the backup copy's RDS automated backups replication (the delete step of the command
# <name>-backup-copy-database, DatabaseBackupReplication.cs). Reads COPY_REGION and SOURCE_DB_ARN.
# It does not wait for RDS to finish stopping: the backups already replicated stay in the copy region until their
# retention ends (RDS keeps them as retained automated backups), and the copy region's key has a 30-day deletion window,
# so nothing this stack deletes next depends on the stop being complete. A later start (the command replaced) waits for
# it instead (rds-backup-replication-start.sh).
# Messages go to stdout, failures to stderr (the command provider logs stderr as errors).
set -euo pipefail

: "${COPY_REGION:?}" "${SOURCE_DB_ARN:?}"
err=$(mktemp)
trap 'rm -f "${err}"' EXIT

status=0
aws rds stop-db-instance-automated-backups-replication --region "${COPY_REGION}" --source-db-instance-arn "${SOURCE_DB_ARN}" \
  --query 'DBInstanceAutomatedBackup.Status' --output text >/dev/null 2>"${err}" || status=$?
if [[ ${status} == 0 ]]; then
  printf 'rds-backup-replication: stopping the replication into %s\n' "${COPY_REGION}"
  exit 0
fi

# As the provider's delete of the managed resource: a source instance that is gone, or one that no longer replicates
# into this region, leaves nothing to stop.
if grep -q '(DBInstanceNotFound)' "${err}" || { grep -q '(InvalidDBInstanceState)' "${err}" && grep -q 'not replicating to the current region' "${err}"; }; then
  printf 'rds-backup-replication: nothing to stop in %s (the instance is gone or no longer replicates there)\n' "${COPY_REGION}"
  exit 0
fi

cat "${err}" >&2
exit "${status}"
