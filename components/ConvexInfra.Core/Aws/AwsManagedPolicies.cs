using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConvexInfra.Core.Aws;

/// <summary>
/// One AWS managed policy as AWS published it (<c>GetPolicyVersion</c>), kept as data with where it was read: the
/// stack attached it once (<c>AmazonSSMManagedInstanceCore</c>), and the isolation test and the Session Manager policy
/// are judged against its real text, not a summary of it.
/// </summary>
public sealed record AwsManagedPolicy(
    string PolicyName,
    string ArnSuffix,
    string VersionId,
    string CreateDate,
    string Source,
    JsonElement Document)
{
    /// <summary>The policy's ARN in a partition, e.g. <c>arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore</c>.</summary>
    public string Arn(string partition) => $"arn:{AwsArns.RequirePartition(partition)}:{ArnSuffix}";

    /// <summary>The policy document as JSON text (the input of <see cref="Iam.IamPolicy.Parse"/>).</summary>
    public string DocumentJson => Document.GetRawText();
}

/// <summary>The AWS managed policies under <c>Data/AwsManagedPolicies/</c>, one file per policy.</summary>
public static class AwsManagedPolicies
{
    public const string SsmManagedInstanceCore = "AmazonSSMManagedInstanceCore";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
    };

    public static AwsManagedPolicy Get(string policyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        var assembly = typeof(AwsManagedPolicies).Assembly;
        var suffix = $".Data.AwsManagedPolicies.{policyName}.json";
        var name = assembly.GetManifestResourceNames().SingleOrDefault(r => r.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new KeyNotFoundException($"policyName: no text of the AWS managed policy '{policyName}' under Data/AwsManagedPolicies/; add its GetPolicyVersion document with its source before attaching it");
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"embedded {name} is missing");
        return JsonSerializer.Deserialize<AwsManagedPolicy>(stream, Options) ?? throw new JsonException($"{name} is empty (null)");
    }

    /// <summary>The managed policy an ARN names (any partition); an unknown one is an error naming the ARN.</summary>
    public static AwsManagedPolicy ByArn(string policyArn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyArn);
        const string marker = ":iam::aws:policy/";
        var at = policyArn.IndexOf(marker, StringComparison.Ordinal);
        if (!policyArn.StartsWith("arn:", StringComparison.Ordinal) || at < 0)
        {
            throw new ArgumentException($"policyArn: got '{policyArn}'; expected an AWS managed policy ARN, e.g. arn:aws:iam::aws:policy/{SsmManagedInstanceCore}", nameof(policyArn));
        }

        return Get(policyArn[(at + marker.Length)..]);
    }
}
