namespace ConvexInfra.Core.Spec;

/// <summary>
/// One raw configuration value as Pulumi holds it: scalars as their text, lists and maps as JSON text,
/// and secure values as an opaque placeholder (their plaintext never reaches Core).
/// </summary>
public sealed record ConfigValue(string Raw, bool IsSecret = false)
{
    public static ConfigValue Secret() => new("[secret]", IsSecret: true);
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
