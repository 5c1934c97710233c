using ConvexInfra.Components;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Spec;
using Pulumi;
using Names = ConvexInfra.Core.Outputs.StackOutputNames;

namespace ConvexInfra;

/// <summary>The output contract (<see cref="Names"/>) from the built deployment and the spec it validated.</summary>
internal static class StackOutputs
{
    public static IDictionary<string, object?> Build(ConvexDeployment deployment)
    {
        var spec = deployment.Spec;
        var outputs = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            // Bare origins: the Convex CLI drops any path, and CONVEX_SELF_HOSTED_URL must be exactly this.
            [Names.ApiUrl] = spec.Endpoints.ApiOrigin,
            [Names.SiteUrl] = spec.Endpoints.SiteOrigin,
            [Names.DashboardUrl] = spec.Endpoints.DashboardOrigin,
            [Names.AdminKey] = deployment.AdminKey,
            [Names.InstanceName] = spec.InstanceName,
            [Names.Target] = spec.Target.ConfigName(),
            [Names.Tier] = spec.Tier.ConfigName(),
            [Names.Stack] = spec.StackName,
            [Names.Region] = spec.Region ?? "",
            [Names.ImageRevision] = spec.ImageRevision,
            [Names.DatabaseEndpoint] = deployment.DatabaseEndpoint,
            [Names.DnsRecords] = deployment.DnsRecordList.Apply(records => OutputValues.DnsRecords(records)),
        };

        if (deployment.BucketNames is { } buckets)
        {
            outputs[Names.Buckets] = buckets.Apply(names => OutputValues.Buckets(names));
        }

        if (deployment.SecretParameterNames is { } parameters)
        {
            outputs[Names.SecretParameters] = OutputValues.SecretParameters(parameters);
        }

        if (deployment.ExportTask is { } exportTask)
        {
            // Not secret: ids and ARNs only; the export task reads the admin key itself through ECS secrets.
            outputs[ExportTaskOutput.OutputName] = exportTask.Apply(task => task.ToOutputValue());
        }

        return outputs;
    }
}
