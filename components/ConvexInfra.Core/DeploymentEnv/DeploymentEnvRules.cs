using System.Text;
using System.Text.RegularExpressions;

namespace ConvexInfra.Core.DeploymentEnv;

/// <summary>
/// The rules the backend applies to deployment environment variables (crates/common/src/types/environment_variables.rs:
/// the name pattern, 40 characters, 8 KiB values, at most 100 variables; built-in names refused), checked before any
/// request so a bad config fails at preview with the offending key named. Each limit is a row of the Convex facts
/// table; a test compares them.
/// </summary>
public static partial class DeploymentEnvRules
{
    /// <summary>The backend's name pattern (NAME_REGEX): a letter or '_' first, then letters, digits and '_'.</summary>
    public const string NamePatternText = "^[a-zA-Z_]+[a-zA-Z0-9_]*$";

    public const int MaxNameLength = 256;
    public const int MaxValueBytes = 8 * 1024;

    /// <summary>ENV_VAR_LIMIT (a knob, default 512): the backend refuses a change that would leave more variables than this.</summary>
    public const int MaxVariables = 512;

    /// <summary>ENV_VAR_TOTAL_SIZE_LIMIT (a knob, default 512 KiB): name bytes plus value bytes over all variables.</summary>
    public const int MaxTotalBytes = 512 * 1024;

    /// <summary>Names the backend sets itself in every function (crates/udf/src/environment.rs); setting them is refused.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["CONVEX_CLOUD_URL", "CONVEX_SITE_URL"];

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

        if (!NamePattern().IsMatch(name))
        {
            return $"deployment variable name '{name}' must start with a letter or '_' and contain only letters, digits and '_'; e.g. AUTH_GITHUB_ID";
        }

        if (name.Length > MaxNameLength)
        {
            return $"deployment variable name '{name}' has {name.Length} characters; at most {MaxNameLength} are allowed";
        }

        if (BuiltInNames.Contains(name, StringComparer.Ordinal))
        {
            return $"deployment variable name '{name}' is built-in: the backend sets it in every function from its own URLs and refuses to have it set; drop it from the config";
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
        var problems = desired
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => NameProblem(pair.Key) ?? ValueProblem(pair.Key, pair.Value))
            .OfType<string>()
            .ToList();
        if (desired.Count > MaxVariables)
        {
            problems.Add($"{desired.Count} deployment variables are configured; the backend keeps at most {MaxVariables}");
        }

        // 512 values of 8 KiB each would pass the two checks above, but not the backend's total.
        var total = desired.Sum(pair => Encoding.UTF8.GetByteCount(pair.Key) + Encoding.UTF8.GetByteCount(pair.Value));
        if (total > MaxTotalBytes)
        {
            problems.Add($"the deployment variables' names and values add up to {total} bytes; the backend keeps at most {MaxTotalBytes} in all");
        }

        return problems;
    }

    [GeneratedRegex(NamePatternText)]
    private static partial Regex NamePattern();
}
