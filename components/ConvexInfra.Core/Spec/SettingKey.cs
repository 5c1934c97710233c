namespace ConvexInfra.Core.Spec;

/// <summary>The shape a setting's value must have in the stack file.</summary>
public enum SettingShape
{
    Scalar,
    List,
    Map,
}

/// <summary>
/// One configuration key the settings reader understands. <see cref="Description"/> and
/// <see cref="Example"/> feed error messages, the key table in the docs and "did you mean" suggestions.
/// </summary>
public sealed record SettingKey(string Namespace, string Name, SettingShape Shape, string Description, string Example)
{
    /// <summary>The key as Pulumi spells it in a stack file, e.g. <c>convex-infra:instanceName</c>.</summary>
    public string FullName => $"{Namespace}:{Name}";

    /// <summary>
    /// A line the user can paste into the <c>config:</c> map of a stack file. Secret examples are a
    /// <c>pulumi config set --secret</c> command instead, because a secret's ciphertext cannot be written by hand.
    /// </summary>
    public string ExampleLine => Example.StartsWith("pulumi ", StringComparison.Ordinal) ? Example : $"{FullName}: {Example}";

    public override string ToString() => FullName;
}
