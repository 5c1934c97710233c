namespace ConvexInfra.Core.Spec;

/// <summary>
/// One raw configuration value as Pulumi holds it: scalars as their text, lists and maps as JSON text,
/// and secure values as an opaque placeholder (their plaintext never reaches Core). A deferred value is set but not
/// known yet: an output of another resource handed to the ConvexDeployment component (a VPC id, subnet ids, a hosted
/// zone id, an alarm topic ARN); the reader counts it as present and the component checks it once it is known.
/// </summary>
public sealed record ConfigValue(string Raw, bool IsSecret = false, bool IsDeferred = false)
{
    public static ConfigValue Secret() => new("[secret]", IsSecret: true);

    public static ConfigValue Deferred() => new("[an output of another resource]", IsDeferred: true);
}

/// <summary>
/// The configuration of one stack, keyed by the full Pulumi key (<c>convex-infra:instanceName</c>,
/// <c>aws:region</c>). Both the Pulumi program and the offline <c>plan</c> build this same shape.
/// </summary>
public sealed record StackConfig(string ProjectName, string StackName, IReadOnlyDictionary<string, ConfigValue> Values)
{
    public ConfigValue? Find(string fullKey) => Values.TryGetValue(fullKey, out var value) ? value : null;
}

/// <summary>One problem with a stack's settings, phrased so the user can fix it without reading code.</summary>
public sealed record ConfigError(string Key, string Given, string Expected, string Example)
{
    public override string ToString() =>
        $"{Key}: got {Given}; expected {Expected}. Example: {Example}";
}
