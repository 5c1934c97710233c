using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Local;

/// <summary>The <c>NAME=value</c> entries Docker takes as a container's environment.</summary>
public static partial class DockerEnv
{
    /// <summary>One entry. The name must be a shell-style variable name; the value is passed verbatim (no quoting).</summary>
    public static string Entry(string name, string value)
    {
        if (!VariableName().IsMatch(name))
        {
            throw new ArgumentException(
                $"environment variable name: got '{name}'; expected letters, digits and underscores, not starting with a digit. Example: INSTANCE_NAME",
                nameof(name));
        }

        // Value text is deliberately not echoed: it may be a secret.
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"environment variable {name}: the value contains a NUL character, which Docker cannot pass.", nameof(value));
        }

        return $"{name}={value}";
    }

    /// <summary>Entries for plain variables, in the given order; duplicate names are rejected.</summary>
    public static IReadOnlyList<string> Entries(IEnumerable<LocalEnvVar> variables)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<string>();
        foreach (var variable in variables)
        {
            if (!seen.Add(variable.Name))
            {
                throw new ArgumentException($"environment variable {variable.Name} is set twice; each name may appear once.", nameof(variables));
            }

            entries.Add(Entry(variable.Name, variable.Value));
        }

        return entries;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
