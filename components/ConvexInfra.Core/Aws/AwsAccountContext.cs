using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Aws;

/// <summary>
/// Where a stack's resources live: partition (<c>aws</c>, <c>aws-cn</c>, <c>aws-us-gov</c>), region and account.
/// The Pulumi layer fills it from <c>GetPartition</c>, <c>GetRegion</c> and <c>GetCallerIdentity</c>.
/// </summary>
public sealed partial record AwsAccountContext(string Partition, string Region, string AccountId)
{
    public string Partition { get; } = AwsArns.RequirePartition(Partition);

    public string Region { get; } = Require(Region, RegionPattern(), nameof(Region), "us-east-1");

    public string AccountId { get; } = Require(AccountId, AccountPattern(), nameof(AccountId), "123456789012");

    private static string Require(string value, Regex pattern, string name, string example) =>
        value is not null && pattern.IsMatch(value)
            ? value
            : throw new ArgumentException($"{name}: got '{value}'; expected a valid AWS {name.ToLowerInvariant()}. Example: {example}", name);

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountPattern();
}
