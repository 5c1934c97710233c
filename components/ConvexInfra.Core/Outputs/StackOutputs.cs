namespace ConvexInfra.Core.Outputs;

/// <summary>
/// The stack outputs that app teams and <c>convex-infra env|verify</c> consume, read from
/// <c>pulumi stack output --json --show-secrets</c> by <see cref="StackOutputsParser"/>.
/// </summary>
public sealed record StackOutputs(
    Uri ApiUrl,
    Uri SiteUrl,
    Uri DashboardUrl,
    string InstanceName,
    AdminKeyValue AdminKey)
{
    public string? Stack { get; init; }
    public string? Target { get; init; }
    public string? Tier { get; init; }
    public string? Region { get; init; }
    public string? ImageRevision { get; init; }

    /// <summary>A URL as the Convex clients expect it: no trailing slash.</summary>
    public static string UrlText(Uri url) => url.AbsoluteUri.TrimEnd('/');
}

/// <summary>What the outputs said about the admin key: the key itself, or why it is not there.</summary>
public sealed record AdminKeyValue
{
    private AdminKeyValue(string? value, AdminKeyState state)
    {
        Value = value;
        State = state;
    }

    public string? Value { get; }
    public AdminKeyState State { get; }

    public static AdminKeyValue Present(string key) => new(key, AdminKeyState.Present);
    public static AdminKeyValue Redacted { get; } = new(null, AdminKeyState.Redacted);
    public static AdminKeyValue Missing { get; } = new(null, AdminKeyState.Missing);

    /// <summary>The key, or an error that explains how to get it.</summary>
    public string Require(string purpose) => State switch
    {
        AdminKeyState.Present => Value!,
        AdminKeyState.Redacted => throw new StackOutputsException([
            $"'{StackOutputNames.AdminKey}' is \"[secret]\" (needed for {purpose}): the outputs were exported without --show-secrets. " +
            "Run: pulumi stack output --json --show-secrets > outputs.json"]),
        _ => throw new StackOutputsException([
            $"'{StackOutputNames.AdminKey}' is missing (needed for {purpose}); expected the stack's admin key, e.g. \"convex-prod|01ab…\". " +
            "Export the outputs with: pulumi stack output --json --show-secrets"]),
    };

    // The key is a secret: never let a record's ToString carry it into a log or an assertion message.
    public override string ToString() => $"AdminKey({State})";
}

public enum AdminKeyState
{
    Present,

    /// <summary><c>pulumi stack output --json</c> without <c>--show-secrets</c> prints "[secret]".</summary>
    Redacted,
    Missing,
}

/// <summary>Bad or incomplete stack outputs; every problem found, each naming the key and an example.</summary>
public sealed class StackOutputsException(IReadOnlyList<string> errors)
    : Exception("invalid stack outputs:" + string.Concat(errors.Select(e => Environment.NewLine + "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
