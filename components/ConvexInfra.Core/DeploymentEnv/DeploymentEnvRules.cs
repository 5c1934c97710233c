using System.Text;

namespace ConvexInfra.Core.DeploymentEnv;

/// <summary>
/// The rules the backend applies to deployment environment variables (crates/common types EnvVarName and
/// EnvVarValue), checked before any request so a bad config fails at preview with the offending key named.
/// </summary>
public static class DeploymentEnvRules
{
    public const int MaxNameLength = 40;
    public const int MaxValueBytes = 8 * 1024;

    /// <summary>Whether the stack applies deployment variables at all (Convex Auth, plain or secret variables, pruning).</summary>
    public static bool IsNeeded(Spec.DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var e = spec.Extensions;
        return e.ConvexAuth || e.DeploymentEnv.Count > 0 || e.HasDeploymentEnvSecrets || e.DeploymentEnvPrune;
    }

    /// <summary>Null when the name is valid, otherwise why not.</summary>
    public static string? NameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "a deployment variable name must not be empty; e.g. AUTH_GITHUB_ID";
        }

        if (name.Length > MaxNameLength)
        {
            return $"deployment variable name '{name}' has {name.Length} characters; at most {MaxNameLength} are allowed";
        }

        if (!char.IsAsciiLetter(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            return $"deployment variable name '{name}' must start with a letter and contain only letters, digits and '_'; e.g. AUTH_GITHUB_ID";
        }

        return null;
    }

    /// <summary>Null when the value is valid; the message names the variable, never the value.</summary>
    public static string? ValueProblem(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = Encoding.UTF8.GetByteCount(value);
        return bytes > MaxValueBytes
            ? $"the value of deployment variable '{name}' has {bytes} bytes; at most {MaxValueBytes} are allowed"
            : null;
    }

    /// <summary>Every problem of a desired map, in name order; empty when the map is valid.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyDictionary<string, string> desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        return desired
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => NameProblem(pair.Key) ?? ValueProblem(pair.Key, pair.Value))
            .OfType<string>()
            .ToList();
    }
}
