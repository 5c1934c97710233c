using ConvexInfra.Core.Spec;
using Pulumi;

namespace ConvexInfra.Components.Local;

/// <summary>Inputs of <see cref="LocalConvex"/>: the validated spec of a stack whose target is <c>local</c>.</summary>
public sealed class LocalConvexArgs
{
    public required DeploymentSpec Spec { get; init; }

    /// <summary>
    /// Issue time written into the admin key when the key is first created (Unix seconds); defaults to now.
    /// Later runs keep the value held in state, so the key stays the same until <c>adminKeyVersion</c> changes.
    /// </summary>
    public long? AdminKeyIssuedAtUnixSeconds { get; init; }

    /// <summary>The localBackupBucket key pair (secret outputs); required when the spec has a bucket.</summary>
    public (Output<string> AccessKeyId, Output<string> SecretAccessKey)? BucketKeys { get; init; }
}
