namespace ConvexInfra.Core.Ops;

/// <summary>
/// Runs the export task once and waits for it, before a new image revision is released. Executed by Pulumi
/// (Command.Local) on the machine running <c>pulumi up</c>, which therefore needs the AWS CLI v2 and the same
/// credentials; a failed or non-zero export stops the update before the release changes.
/// </summary>
public static class PreUpgradeExport
{
    /// <summary>Seconds between two <c>describe-tasks</c> polls.</summary>
    public const int PollSeconds = 15;

    /// <summary>
    /// bash; reads REGION, CLUSTER, TASK_DEFINITION, NETWORK_CONFIGURATION, LOG_GROUP and DEADLINE_SECONDS from the
    /// environment (POLL_SECONDS: tests only). Polls the task until it stops, instead of <c>aws ecs wait tasks-stopped</c>,
    /// which gives up after 10 minutes while the export still runs. Past the deadline it stops the task (so no
    /// export outlives the update) and fails; a non-zero exit fails with the task's stop reason and its log stream.
    /// </summary>
    public static string Script() =>
        """
        set -euo pipefail
        : "${REGION:?}" "${CLUSTER:?}" "${TASK_DEFINITION:?}" "${NETWORK_CONFIGURATION:?}" "${LOG_GROUP:?}" "${DEADLINE_SECONDS:?}"
        poll="${POLL_SECONDS:-__POLL__}"
        task=$(aws ecs run-task --region "${REGION}" --cluster "${CLUSTER}" --task-definition "${TASK_DEFINITION}" \
          --launch-type FARGATE --network-configuration "${NETWORK_CONFIGURATION}" --started-by pre-upgrade-export \
          --query 'tasks[0].taskArn' --output text)
        if [[ -z "${task}" || "${task}" == "None" ]]; then
          echo "pre-upgrade export: ECS did not start the export task; the release was not changed" >&2
          exit 1
        fi
        logs="log group ${LOG_GROUP}, stream __STREAM__/${task##*/}"
        echo "pre-upgrade export: started ${task} (deadline ${DEADLINE_SECONDS}s; ${logs})"
        waited=0
        while true; do
          IFS=$'\t' read -r status code reason < <(aws ecs describe-tasks --region "${REGION}" --cluster "${CLUSTER}" --tasks "${task}" \
            --query 'tasks[0].[lastStatus,containers[0].exitCode,stoppedReason]' --output text) || status=UNKNOWN
          if [[ "${status}" == "STOPPED" ]]; then
            break
          fi
          if ((waited >= DEADLINE_SECONDS || SECONDS >= DEADLINE_SECONDS)); then
            aws ecs stop-task --region "${REGION}" --cluster "${CLUSTER}" --task "${task}" \
              --reason "pre-upgrade export exceeded its ${DEADLINE_SECONDS}s deadline" >/dev/null || true
            echo "pre-upgrade export: the export task was still ${status} after ${DEADLINE_SECONDS}s and was stopped (raise exportTimeoutMinutes); ${logs}; the release was not changed" >&2
            exit 1
          fi
          sleep "${poll}"
          waited=$((waited + poll))
        done
        if [[ "${code}" != "0" ]]; then
          echo "pre-upgrade export: the export task exited with '${code}': ${reason:-no stop reason}; ${logs}; the release was not changed" >&2
          exit 1
        fi
        echo "pre-upgrade export: done"
        """.ReplaceLineEndings("\n").Replace("__POLL__", PollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("__STREAM__", $"{ExportTask.StreamPrefix}/{ExportTask.ContainerName}", StringComparison.Ordinal) + "\n";

    /// <summary>The <c>--network-configuration</c> value of <c>aws ecs run-task</c> (CLI shorthand syntax).</summary>
    public static string NetworkConfiguration(IReadOnlyList<string> subnetIds, string securityGroupId, bool assignPublicIp)
    {
        ArgumentNullException.ThrowIfNull(subnetIds);
        ArgumentNullException.ThrowIfNull(securityGroupId);
        if (subnetIds.Count == 0 || subnetIds.Any(id => !id.StartsWith("subnet-", StringComparison.Ordinal)))
        {
            throw new ArgumentException(
                $"subnetIds: got [{string.Join(", ", subnetIds)}]; expected one or more subnet ids. Example: subnet-0123456789abcdef0", nameof(subnetIds));
        }

        if (!securityGroupId.StartsWith("sg-", StringComparison.Ordinal))
        {
            throw new ArgumentException($"securityGroupId: got '{securityGroupId}'; expected a security group id. Example: sg-0123456789abcdef0", nameof(securityGroupId));
        }

        return $"awsvpcConfiguration={{subnets=[{string.Join(',', subnetIds)}],securityGroups=[{securityGroupId}],assignPublicIp={(assignPublicIp ? "ENABLED" : "DISABLED")}}}";
    }
}
