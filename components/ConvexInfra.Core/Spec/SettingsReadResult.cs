namespace ConvexInfra.Core.Spec;

/// <summary>The outcome of reading a stack's settings: a spec when they are valid, else every error found.</summary>
public sealed record SettingsReadResult(DeploymentSpec? Spec, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Spec is not null && Errors.Count == 0;

    /// <summary>All errors, one per line, for a log or an exception message.</summary>
    public string ErrorReport => string.Join(Environment.NewLine, Errors.Select(error => error.ToString()));
}
