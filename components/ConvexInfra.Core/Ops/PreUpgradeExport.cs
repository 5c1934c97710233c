namespace ConvexInfra.Core.Ops;

/// <summary>
/// Runs the export task once and waits for it, before a new image revision is released. Executed by Pulumi
/// (Command.Local) on the machine running <c>pulumi up</c>, which therefore needs the AWS CLI v2 and the same
/// credentials; a failed or non-zero export stops the update before the release changes.
/// </summary>
public static class PreUpgradeExport
{
    /// <summary>bash; reads REGION, CLUSTER, TASK_DEFINITION, NETWORK_CONFIGURATION from the environment.</summary>
    public static string Script() =>
        """
        set -euo pipefail
        : "${REGION:?}" "${CLUSTER:?}" "${TASK_DEFINITION:?}" "${NETWORK_CONFIGURATION:?}"
        task=$(aws ecs run-task --region "${REGION}" --cluster "${CLUSTER}" --task-definition "${TASK_DEFINITION}" \
          --launch-type FARGATE --network-configuration "${NETWORK_CONFIGURATION}" --started-by pre-upgrade-export \
          --query 'tasks[0].taskArn' --output text)
        if [[ -z "${task}" || "${task}" == "None" ]]; then
          echo "pre-upgrade export: ECS did not start the export task; the release was not changed" >&2
          exit 1
        fi
        echo "pre-upgrade export: started ${task}"
        aws ecs wait tasks-stopped --region "${REGION}" --cluster "${CLUSTER}" --tasks "${task}"
        code=$(aws ecs describe-tasks --region "${REGION}" --cluster "${CLUSTER}" --tasks "${task}" \
          --query 'tasks[0].containers[0].exitCode' --output text)
        if [[ "${code}" != "0" ]]; then
          echo "pre-upgrade export: the export task exited with '${code}' (see its log group); the release was not changed" >&2
          exit 1
        fi
        echo "pre-upgrade export: done"
        """.ReplaceLineEndings("\n") + "\n";

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
