using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Spec;

/// <summary>
/// Format rules for single values. Each returns null when the value is fine, else the expectation the
/// value missed, phrased for the "expected ..." part of a <see cref="ConfigError"/>.
/// </summary>
public static partial class ValueRules
{
    /// <summary>The first self-hosted release: it fills the disk (self-hosted/CHANGELOG.md).</summary>
    public const string DiskFillingRevision = "4499dd4fd7f2148687a7774599c613d052950f46";

    /// <summary>Postgres identifiers are at most 63 bytes, and the database is the instance name with '-' → '_'.</summary>
    public const int MaxInstanceNameLength = 63;

    public static string? InstanceName(string name)
    {
        const string Shape = "a lowercase letter first, then lowercase letters, digits or single hyphens, not ending in a hyphen, at most 63 characters";
        if (name.Length == 0)
        {
            return $"a non-empty name: {Shape}";
        }

        if (name.Length > MaxInstanceNameLength)
        {
            return $"at most {MaxInstanceNameLength} characters (it has {name.Length}), because the Postgres database name is derived from it";
        }

        if (name.Contains('|', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal))
        {
            return $"no '|' or ':' (admin keys are '<name>|<hex>'): {Shape}";
        }

        if (name.Any(char.IsUpper))
        {
            return $"a lowercase name (use lowercase): {Shape}";
        }

        if (!char.IsAsciiLetterLower(name[0]))
        {
            return $"a name that starts with a lowercase letter (it starts with '{name[0]}'): {Shape}";
        }

        if (name.Contains("--", StringComparison.Ordinal) || name.EndsWith('-'))
        {
            return $"no double or trailing hyphen: {Shape}";
        }

        return InstanceNamePattern().IsMatch(name) ? null : $"only lowercase letters, digits and hyphens: {Shape}";
    }

    public static string? ImageRevision(string revision)
    {
        const string Shape = "the full 40-character lowercase git SHA of a self-hosted release (a commit of get-convex/convex-backend tagged precompiled-<date>-<short sha>, or a GHCR tag)";
        if (revision is "latest" or "main" or "stable")
        {
            return $"a pinned revision, not a moving tag: {Shape}";
        }

        if (HexPattern().IsMatch(revision.ToLowerInvariant()) && revision.Any(char.IsUpper))
        {
            return $"a lowercase SHA (use lowercase; image tags are lowercase): {Shape}";
        }

        if (!HexPattern().IsMatch(revision))
        {
            return HexPrefixPattern().IsMatch(revision.ToLowerInvariant()) && revision.Length < 40
                ? $"the full SHA, not a {revision.Length}-character short one: {Shape}"
                : Shape;
        }

        return revision == DiskFillingRevision
            ? "any release but the first one (4499dd4f…), which has a bug that fills the disk; use 6c974d219776b753cd23d26f4a296629ff7c2cad or later"
            : null;
    }

    /// <summary>A DNS name of at least two labels, lowercase, e.g. convex.example.com.</summary>
    public static string? DnsName(string name)
    {
        const string Shape = "a lowercase DNS name of at least two labels (letters, digits, inner hyphens), at most 253 characters";
        if (name.Any(char.IsUpper))
        {
            return $"a lowercase name (use lowercase): {Shape}";
        }

        if (name.Contains("://", StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
        {
            return $"a bare name without scheme or path: {Shape}";
        }

        var labels = name.Split('.');
        return name.Length <= 253 && labels.Length >= 2 && labels.All(label => DnsLabelPattern().IsMatch(label)) ? null : Shape;
    }

    public static string? AwsRegion(string region) =>
        AwsRegionPattern().IsMatch(region) ? null : "an AWS region code such as eu-west-1 or us-east-2";

    public static string? HostedZoneId(string id) =>
        HostedZonePattern().IsMatch(id) ? null : "a Route 53 hosted zone id: 'Z' then uppercase letters and digits, without the /hostedzone/ prefix";

    /// <summary>An SNS topic ARN: <c>arn:&lt;partition&gt;:sns:&lt;region&gt;:&lt;account&gt;:&lt;name&gt;</c>.</summary>
    /// <summary>An IAM customer-managed policy: its name (1..128 of letters, digits, +=,.@_-) or its ARN.</summary>
    public static string? PermissionsBoundary(string text) =>
        PermissionsBoundaryPattern().IsMatch(text)
            ? null
            : "an IAM policy name such as convex-infra-boundary-prod, or its ARN arn:aws:iam::123456789012:policy/convex-infra-boundary-prod (docs/cicd/permissions-boundary.json)";

    /// <summary>An IAM role: its name (1..64 of letters, digits, +=,.@_-) or its ARN (with its path, if any).</summary>
    public static string? RoleNameOrArn(string text) =>
        RoleNameOrArnPattern().IsMatch(text)
            ? null
            : "an IAM role name such as convex-infra-github-deploy-prod, or its ARN arn:aws:iam::123456789012:role/convex-infra-github-deploy-prod";

    public static string? SnsTopicArn(string arn) =>
        SnsTopicArnPattern().IsMatch(arn) ? null : "an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:oncall";

    public static string? Email(string address) =>
        EmailPattern().IsMatch(address) ? null : "an e-mail address such as ops@example.com";

    /// <summary>Graviton families have a 'g' right after their generation digit (t4g, m7g, c6gn, r8gd, x2gd) or are a1.</summary>
    public static string? GravitonInstanceType(string type) =>
        GravitonPattern().IsMatch(type)
            ? null
            : "a Graviton (arm64) EC2 type such as t4g.small, t4g.medium, m7g.large or c7g.xlarge; the images run on arm64";

    public static string? DbInstanceClass(string instanceClass) =>
        DbClassPattern().IsMatch(instanceClass) ? null : "an RDS instance class such as db.t4g.micro or db.m7g.large";

    public static string? PostgresVersion(string version) =>
        PostgresVersionPattern().IsMatch(version) ? null : "a PostgreSQL version RDS offers, major (\"17\") or major.minor (\"16.4\"), 13 or newer";

    /// <summary>RUST_LOG directives: targets, levels, '=', ',' and '::'; no spaces or shell characters.</summary>
    public static string? RustLog(string filter) =>
        RustLogPattern().IsMatch(filter) ? null : "a RUST_LOG filter such as info or warn,convex=debug (letters, digits, _ : = , . -)";

    public static string? EnvironmentVariableName(string name) =>
        EnvNamePattern().IsMatch(name) ? null : "variable names matching ^[A-Za-z_][A-Za-z0-9_]*$";

    /// <summary>AWS tag rules: key 1..128 characters, value at most 256, keys starting with aws: are reserved.</summary>
    public static string? TagEntry(string key, string value)
    {
        if (key.Length is 0 or > 128)
        {
            return $"tag keys of 1..128 characters (key '{key}' has {key.Length})";
        }

        if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            return $"no tag keys starting with 'aws:' (reserved by AWS; got '{key}')";
        }

        return value.Length > 256 ? $"tag values of at most 256 characters (tag '{key}' has {value.Length})" : null;
    }

    public static string? HttpsUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps && url.Host.Length > 0
            ? null
            : "an absolute https:// URL such as https://app.example.com";

    [GeneratedRegex(@"^(arn:aws(-[a-z]+)*:iam::[0-9]{12}:policy/([\w+=,.@-]+/)*)?[\w+=,.@-]{1,128}$")]
    private static partial Regex PermissionsBoundaryPattern();

    [GeneratedRegex(@"^(arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/([\w+=,.@-]+/)*)?[\w+=,.@-]{1,64}$")]
    private static partial Regex RoleNameOrArnPattern();

    [GeneratedRegex("^arn:aws(-[a-z]+)*:sns:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex SnsTopicArnPattern();

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex InstanceNamePattern();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex HexPattern();

    [GeneratedRegex("^[0-9a-f]{4,39}$")]
    private static partial Regex HexPrefixPattern();

    [GeneratedRegex("^(?!-)[a-z0-9-]{1,63}(?<!-)$")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]$")]
    private static partial Regex AwsRegionPattern();

    [GeneratedRegex("^Z[A-Z0-9]{1,31}$")]
    private static partial Regex HostedZonePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^(a1|[a-z]+[0-9]+g[a-z]*)\.(nano|micro|small|medium|large|[0-9]*xlarge|metal)$")]
    private static partial Regex GravitonPattern();

    [GeneratedRegex(@"^db\.[a-z0-9]+\.[a-z0-9]+$")]
    private static partial Regex DbClassPattern();

    [GeneratedRegex(@"^(1[3-9]|[2-9][0-9])(\.[0-9]{1,2})?$")]
    private static partial Regex PostgresVersionPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_:=,.\-]+$")]
    private static partial Regex RustLogPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();
}
