namespace ConvexInfra.Core.DeploymentEnv;

/// <summary>
/// The one desired map the deployment gets: <c>deploymentEnv</c>, <c>deploymentEnvSecrets</c> and the Convex Auth
/// variables. A name given by two sources is an error naming the name and the sources, never a value.
/// </summary>
public static class DesiredEnv
{
    public const string PlainSource = "convex-infra:deploymentEnv";
    public const string SecretSource = "convex-infra:deploymentEnvSecrets";
    public const string AuthSource = "convex-infra:convexAuth";

    public static IReadOnlyDictionary<string, string> Merge(
        IReadOnlyDictionary<string, string> plain,
        IReadOnlyDictionary<string, string>? secrets,
        IReadOnlyDictionary<string, string>? auth)
    {
        ArgumentNullException.ThrowIfNull(plain);
        var merged = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var origin = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (source, map) in new[] { (PlainSource, plain), (SecretSource, secrets), (AuthSource, auth) })
        {
            foreach (var (name, value) in map ?? new Dictionary<string, string>())
            {
                if (origin.TryGetValue(name, out var first))
                {
                    problems.Add($"{name} is set by both {first} and {source}; keep it in one place");
                    continue;
                }

                if ((DeploymentEnvRules.NameProblem(name) ?? DeploymentEnvRules.ValueProblem(name, value)) is { } problem)
                {
                    problems.Add($"{source}: {problem}");
                    continue;
                }

                origin[name] = source;
                merged[name] = value;
            }
        }

        if (merged.Count > DeploymentEnvRules.MaxVariables)
        {
            problems.Add($"{merged.Count} deployment variables are configured ({PlainSource}, {SecretSource} and {AuthSource} together); the backend keeps at most {DeploymentEnvRules.MaxVariables}");
        }

        return problems.Count == 0 ? merged : throw new ArgumentException(string.Join("; ", problems));
    }
}
