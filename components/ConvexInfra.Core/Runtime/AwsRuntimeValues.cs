namespace ConvexInfra.Core.Runtime;

/// <summary>The five buckets the backend needs for S3 storage mode; all five or none.</summary>
public sealed record BucketNames(string Exports, string SnapshotImports, string Modules, string Files, string Search)
{
    /// <summary>What each bucket holds, in the order of <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Purposes { get; } = ["exports", "imports", "modules", "files", "search"];

    public IReadOnlyList<string> All => [Exports, SnapshotImports, Modules, Files, Search];
}

/// <summary>SSM Parameter Store names (SecureString) holding the stack's secrets at runtime.</summary>
public sealed record SecretParameterNames(string InstanceSecret, string PostgresUrl, string AdminKey)
{
    /// <summary>The conventional names under one prefix, e.g. <c>/convex-infra/acme-prod</c>.</summary>
    public static SecretParameterNames Under(string prefix) =>
        new($"{prefix}/instance-secret", $"{prefix}/postgres-url", $"{prefix}/admin-key");

    public IReadOnlyList<string> All => [InstanceSecret, PostgresUrl, AdminKey];
}

/// <summary>
/// Values only known once AWS resources exist (bucket names, endpoints, parameter names). The Pulumi
/// layer resolves them and hands them to Core's renderers; the offline plan uses placeholders.
/// </summary>
public sealed record AwsRuntimeValues(
    string Region,
    BucketNames Buckets,
    string DatabaseHost,
    int DatabasePort,
    string DatabaseUser,
    SecretParameterNames Parameters);
