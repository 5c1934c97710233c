using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Planning;

/// <summary>
/// Stand-ins for values AWS only assigns at deploy time (bucket suffixes, the RDS endpoint, the account), shaped like
/// the real ones so every renderer accepts them, and named so nobody mistakes them for the real thing.
/// </summary>
public static class PlanPlaceholders
{
    public const string AccountId = "000000000000";
    public const string Marker = "assigned-at-deploy";

    public static AwsRuntimeValues Aws(DeploymentSpec spec)
    {
        var region = RegionOf(spec);
        var prefix = ResourceNames.ResourcePrefix(spec);
        string Bucket(string purpose) => $"{prefix}-{purpose}-xxxxxxx";
        return new AwsRuntimeValues(
            region,
            new BucketNames(Bucket("exports"), Bucket("imports"), Bucket("modules"), Bucket("files"), Bucket("search")),
            $"{prefix}-database.{Marker}.{region}.rds.amazonaws.com",
            5432,
            "convex",
            ResourceNames.SecretParameters(spec));
    }

    /// <summary>The backup copy's bucket (<see cref="Ops.BackupCopyPlan"/>), named like the stack's own.</summary>
    public static string ExportsCopyBucket(DeploymentSpec spec) => $"{ResourceNames.ResourcePrefix(spec)}-exports-copy-xxxxxxx";

    public static AwsAccountContext Account(DeploymentSpec spec) => new("aws", RegionOf(spec), AccountId);

    /// <summary>The SSM versions of the secret parameters on a first deploy (SSM numbers them from 1; each change counts up).</summary>
    public static SecretParameterVersions SecretVersions { get; } = new(SecretParameterVersions.First, SecretParameterVersions.First);

    /// <summary>A log group's ARN: the name is the stack's own, only the account is a placeholder.</summary>
    public static string LogGroupArn(DeploymentSpec spec, string logGroupName) =>
        $"arn:aws:logs:{RegionOf(spec)}:{AccountId}:log-group:{logGroupName}";

    /// <summary>A task definition's first revision; the family is the stack's own.</summary>
    public static string TaskDefinitionArn(DeploymentSpec spec, string family) =>
        $"arn:aws:ecs:{RegionOf(spec)}:{AccountId}:task-definition/{family}:1";

    /// <summary>A cluster whose name AWS/Pulumi assigns.</summary>
    public static string ClusterArn(DeploymentSpec spec, string purpose) =>
        $"arn:aws:ecs:{RegionOf(spec)}:{AccountId}:cluster/{ResourceNames.ResourcePrefix(spec)}-{purpose}-{Marker}";

    /// <summary>A role whose name Pulumi assigns (auto-named with a random suffix).</summary>
    public static string RoleArn(DeploymentSpec spec, string purpose) =>
        $"arn:aws:iam::{AccountId}:role/{ResourceNames.ResourcePrefix(spec)}-{purpose}-{Marker}";

    /// <summary>Whoever runs pulumi (the AWS provider's caller identity), a deployer of the stack key.</summary>
    public const string CallerArn = $"arn:aws:iam::{AccountId}:user/{Marker}";

    /// <summary>The stack's KMS key, whose id AWS assigns.</summary>
    public static string KmsKeyArn(DeploymentSpec spec) => $"arn:aws:kms:{RegionOf(spec)}:{AccountId}:key/{Marker}";

    /// <summary>The first availability zones of the region by their usual letters; the real ones come from AWS.</summary>
    public static IReadOnlyList<string> AvailabilityZones(DeploymentSpec spec) =>
        Enumerable.Range(0, spec.Network.AvailabilityZoneCount).Select(i => $"{RegionOf(spec)}{(char)('a' + i)}").ToList();

    private static string RegionOf(DeploymentSpec spec) =>
        spec.Region ?? throw new ArgumentException($"stack {spec.StackName} has no aws:region; only AWS targets have AWS placeholders", nameof(spec));
}
