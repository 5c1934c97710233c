using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Components.Aws;

/// <summary>S3 bucket name prefixes: AWS appends a unique suffix, so names stay globally unique without guessing.</summary>
internal static class BucketNaming
{
    /// <summary>S3 allows at most 37 characters in a bucket prefix.</summary>
    public const int MaxPrefixLength = 37;

    /// <summary><c>{stack}-{instance}-{purpose}-</c>, lowercased, S3-safe, shortened from the stack part when too long.</summary>
    public static string Prefix(DeploymentSpec spec, string purpose)
    {
        var suffix = $"-{purpose}-";
        var stackPart = Sanitize(ResourceNames.ResourcePrefix(spec));
        var room = MaxPrefixLength - suffix.Length;
        if (stackPart.Length > room)
        {
            stackPart = stackPart[..room].TrimEnd('-');
        }

        return stackPart + suffix;
    }

    internal static string Sanitize(string text) => ResourceNames.DnsSafe(text);
}
