using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Containers;

/// <summary>A plain (non-secret) environment variable, safe to render into files, task definitions and plans.</summary>
public sealed record EnvVar(string Name, string Value);

/// <summary>Which stack secret a <see cref="SecretEnvVar"/> is filled from at runtime.</summary>
public enum SecretKind
{
    InstanceSecret,
    PostgresUrl,
}

/// <summary>A variable whose value is fetched at runtime (SSM/Secrets Manager); only its name is ever rendered.</summary>
public sealed record SecretEnvVar(string Name, SecretKind Kind);

/// <summary>The environment of one container, split into what may be written down and what may not.</summary>
public sealed partial record ContainerEnvironment(IReadOnlyList<EnvVar> Plain, IReadOnlyList<SecretEnvVar> Secrets)
{
    public string? Find(string name) => Plain.FirstOrDefault(v => v.Name == name)?.Value;

    public bool HasSecret(string name) => Secrets.Any(s => s.Name == name);

    public IEnumerable<string> Names => Plain.Select(v => v.Name).Concat(Secrets.Select(s => s.Name));

    /// <summary>
    /// Checks what every consumer relies on: POSIX-style names, each name once, and values on a single
    /// line (a newline in a value would inject a second variable into an env file).
    /// </summary>
    public ContainerEnvironment Validate()
    {
        var problems = new List<string>();
        foreach (var name in Names.Where(n => !NamePattern().IsMatch(n)))
        {
            problems.Add($"variable name '{name}' is not of the form [A-Z_][A-Z0-9_]* (example: INSTANCE_NAME)");
        }

        foreach (var name in Names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            problems.Add($"variable {name} is set more than once");
        }

        foreach (var variable in Plain.Where(v => v.Value.Contains('\n', StringComparison.Ordinal) || v.Value.Contains('\r', StringComparison.Ordinal)))
        {
            problems.Add($"variable {variable.Name} has a line break in its value; expected a single line");
        }

        return problems.Count == 0
            ? this
            : throw new InvalidOperationException("Invalid container environment: " + string.Join("; ", problems));
    }

    [GeneratedRegex("^[A-Z_][A-Z0-9_]*$")]
    private static partial Regex NamePattern();
}
