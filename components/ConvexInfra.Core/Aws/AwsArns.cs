using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Aws;

/// <summary>
/// Builds the exact ARNs the policies grant on, refusing names that would widen a grant (wildcards,
/// empty names) or that AWS would reject anyway.
/// </summary>
public static partial class AwsArns
{
    public static string Bucket(string partition, string bucketName) =>
        $"arn:{RequirePartition(partition)}:s3:::{RequireBucketName(bucketName)}";

    /// <summary>
    /// The permissions boundary of every role the stack creates (rolePermissionsBoundary): a policy name becomes
    /// <c>arn:{p}:iam::{account}:policy/{name}</c>, an ARN stays as it is; null without the setting.
    /// </summary>
    public static string? PermissionsBoundary(Spec.DeploymentSpec spec, AwsAccountContext ctx)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(ctx);
        return spec.RolePermissionsBoundary switch
        {
            null => null,
            var arn when arn.StartsWith("arn:", StringComparison.Ordinal) => arn,
            var name => $"arn:{ctx.Partition}:iam::{ctx.AccountId}:policy/{name}",
        };
    }

    /// <summary>Every object in the bucket; objects are addressed by key, so the <c>/*</c> is how S3 names "all objects".</summary>
    public static string BucketObjects(string partition, string bucketName) => $"{Bucket(partition, bucketName)}/*";

    /// <summary><c>arn:{p}:ssm:{region}:{account}:parameter/{name without its leading slash}</c>.</summary>
    public static string Parameter(AwsAccountContext ctx, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (parameterName is null || parameterName.Length > 1011 || !ParameterNamePattern().IsMatch(parameterName))
        {
            throw new ArgumentException(
                $"parameterName: got '{parameterName}'; expected an SSM parameter name of letters, digits, '_', '.', '-' "
                + "in '/'-separated parts, with no wildcard. Example: /convex-infra/prod/instance-secret",
                nameof(parameterName));
        }

        return $"arn:{ctx.Partition}:ssm:{ctx.Region}:{ctx.AccountId}:parameter/{parameterName.TrimStart('/')}";
    }

    /// <summary>Checks a customer-managed KMS key ARN; aliases are refused because IAM does not match keys by alias ARN.</summary>
    public static string RequireKmsKeyArn(AwsAccountContext ctx, string kmsKeyArn)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var prefix = $"arn:{ctx.Partition}:kms:";
        if (kmsKeyArn is null || !kmsKeyArn.StartsWith(prefix, StringComparison.Ordinal) || !KmsKeyArnPattern().IsMatch(kmsKeyArn))
        {
            throw new ArgumentException(
                $"kmsKeyArn: got '{kmsKeyArn}'; expected a KMS key ARN in partition {ctx.Partition} (not an alias, no wildcard). "
                + $"Example: arn:{ctx.Partition}:kms:{ctx.Region}:{ctx.AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                nameof(kmsKeyArn));
        }

        return kmsKeyArn;
    }

    /// <summary>Checks a CloudWatch log group ARN of this account and region and drops a trailing <c>:*</c>.</summary>
    public static string RequireLogGroupArn(AwsAccountContext ctx, string logGroupArn)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var prefix = $"arn:{ctx.Partition}:logs:{ctx.Region}:{ctx.AccountId}:log-group:";
        var arn = logGroupArn?.EndsWith(":*", StringComparison.Ordinal) == true ? logGroupArn[..^2] : logGroupArn;
        var name = arn is not null && arn.StartsWith(prefix, StringComparison.Ordinal) ? arn[prefix.Length..] : null;
        if (name is null || !LogGroupNamePattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"logGroupArn: got '{logGroupArn}'; expected a log group ARN starting with {prefix} and a name without "
                + $"wildcards. Example: {prefix}/convex-infra/prod/convex",
                nameof(logGroupArn));
        }

        return arn!;
    }

    public static string RequirePartition(string partition) =>
        partition is not null && PartitionPattern().IsMatch(partition)
            ? partition
            : throw new ArgumentException(
                $"partition: got '{partition}'; expected an AWS partition such as aws, aws-cn or aws-us-gov. Example: aws",
                nameof(partition));

    public static string RequireBucketName(string bucketName)
    {
        if (bucketName is null || !BucketNamePattern().IsMatch(bucketName) || bucketName.Contains("..", StringComparison.Ordinal)
            || IpAddressLike().IsMatch(bucketName))
        {
            throw new ArgumentException(
                $"bucketName: got '{bucketName}'; expected an S3 bucket name (3-63 lowercase letters, digits, '.', '-', "
                + "starting and ending with a letter or digit). Example: prod-acme-prod-files",
                nameof(bucketName));
        }

        return bucketName;
    }

    [GeneratedRegex("^aws(-[a-z]+)*$")]
    private static partial Regex PartitionPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketNamePattern();

    [GeneratedRegex("^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$")]
    private static partial Regex IpAddressLike();

    [GeneratedRegex("^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")]
    private static partial Regex ParameterNamePattern();

    [GeneratedRegex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$")]
    private static partial Regex KmsKeyArnPattern();

    [GeneratedRegex("^[A-Za-z0-9_./#-]{1,512}$")]
    private static partial Regex LogGroupNamePattern();
}
