using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Naming;

/// <summary>Names and tags derived from a spec, shared by the Pulumi layer and the offline plan.</summary>
public static class ResourceNames
{
    /// <summary>SSM Parameter Store prefix owned by one stack, e.g. <c>/convex-infra/prod</c>.</summary>
    public static string ParameterPrefix(DeploymentSpec spec) => $"/{spec.ProjectName}/{spec.StackName}";

    public static SecretParameterNames SecretParameters(DeploymentSpec spec) => SecretParameterNames.Under(ParameterPrefix(spec));

    /// <summary>The (non-secret) parameter holding the current release the EC2 host applies.</summary>
    public static string ReleaseParameter(DeploymentSpec spec) => $"{ParameterPrefix(spec)}/release";

    /// <summary>The (non-secret) parameter holding the EC2 host's tooling (scripts and units), named by the release.</summary>
    public static string HostToolingParameter(DeploymentSpec spec) => $"{ParameterPrefix(spec)}/host-tooling";

    /// <summary>Part <paramref name="number"/> of the host tooling; part 1 keeps the name hosts already read.</summary>
    public static string HostToolingParameter(DeploymentSpec spec, int number) =>
        number == 1 ? HostToolingParameter(spec) : $"{HostToolingParameter(spec)}-{number}";

    /// <summary>The (non-secret) parameter naming the images of the pinned revision, which the EC2 host pre-pulls at boot.</summary>
    public static string HostImagesParameter(DeploymentSpec spec) => $"{ParameterPrefix(spec)}/host-images";

    /// <summary>
    /// ECS: the database credentials (<c>user:password</c>, percent-encoded as in <c>POSTGRES_URL</c>), a SecureString the
    /// execution role injects. Unlike <c>POSTGRES_URL</c> it needs no RDS address, so the task can start while RDS is created.
    /// </summary>
    public static string DatabaseCredentialsParameter(DeploymentSpec spec) => $"{ParameterPrefix(spec)}/db-credentials";

    /// <summary>ECS: the RDS address (a plain String, not secret), written once RDS exists; the backend's entrypoint waits for it.</summary>
    public static string DatabaseHostParameter(DeploymentSpec spec) => $"{ParameterPrefix(spec)}/db-host";

    /// <summary>The (non-secret) parameter the EC2 host writes the outcome of each release to; the only one it may write.</summary>
    public static string HostStatusParameter(DeploymentSpec spec) => $"{ParameterPrefix(spec)}/host-status";

    /// <summary>The EC2 host's container log group (awslogs driver), under the stack's prefix: <c>/convex-infra/prod/ec2</c>.</summary>
    public static string HostLogGroup(DeploymentSpec spec) => $"{ParameterPrefix(spec)}/ec2";

    /// <summary>A short, lowercase, DNS-safe prefix for named AWS resources: <c>{stack}-{instance}</c>, at most 32 characters.</summary>
    public static string ResourcePrefix(DeploymentSpec spec)
    {
        var prefix = $"{spec.StackName}-{spec.InstanceName}".ToLowerInvariant();
        return prefix.Length <= 32 ? prefix : prefix[..32].TrimEnd('-');
    }

    /// <summary>
    /// The deployment component's name and so the prefix of every resource name: <see cref="ResourcePrefix"/> limited
    /// to lowercase letters, digits and single hyphens, starting with a letter, because RDS identifiers and parameter
    /// group names derive from it.
    /// </summary>
    public static string RootName(DeploymentSpec spec)
    {
        var name = DnsSafe(ResourcePrefix(spec));
        return name[0] is >= 'a' and <= 'z' ? name : $"c-{name}";
    }

    /// <summary>Lowercase letters, digits and single inner hyphens; <c>convex</c> when nothing is left.</summary>
    public static string DnsSafe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-');
        }

        var result = builder.ToString().Trim('-');
        while (result.Contains("--", StringComparison.Ordinal))
        {
            result = result.Replace("--", "-", StringComparison.Ordinal);
        }

        return result.Length == 0 ? "convex" : result;
    }

    /// <summary>The tag that names a resource's stack; the CI deploy role changes only resources tagged with its stack.</summary>
    public const string StackTagKey = "convex-infra:stack";

    /// <summary>The tag naming the Convex instance; RDS copies it to every snapshot (a restore checks it).</summary>
    public const string InstanceTagKey = "convex-infra:instance";

    /// <summary>Tags put on every AWS resource; the stack's own tags win over none of these.</summary>
    public static IReadOnlyDictionary<string, string> StandardTags(DeploymentSpec spec)
    {
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in spec.Tags)
        {
            tags[key] = value;
        }

        tags["convex-infra:project"] = spec.ProjectName;
        tags[StackTagKey] = spec.StackName;
        tags["convex-infra:tier"] = spec.Tier.ConfigName();
        tags[InstanceTagKey] = spec.InstanceName;
        tags["ManagedBy"] = "pulumi";
        return tags;
    }
}
