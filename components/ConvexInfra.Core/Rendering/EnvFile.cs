using System.Buffers;
using ConvexInfra.Core.Containers;

namespace ConvexInfra.Core.Rendering;

/// <summary>Renders <c>NAME=value</c> env files that docker-compose v1 and v2 read identically.</summary>
public static class EnvFile
{
    // Compose v2 interprets quotes, '$', '\' and " #" in env files; v1 does not. Refusing them keeps both literal.
    private static readonly SearchValues<char> Unsafe = SearchValues.Create("\n\r\"'$\\#`");

    public static string Render(IEnumerable<EnvVar> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var lines = new List<string>();
        foreach (var variable in variables)
        {
            if (variable.Value.AsSpan().ContainsAny(Unsafe) || variable.Value.Trim().Length != variable.Value.Length)
            {
                throw new ArgumentException(
                    $"env variable {variable.Name}: got '{variable.Value}'; expected a value without quotes, '$', '\\', '#', " +
                    "backticks, line breaks or surrounding spaces. Example: RUST_LOG=info,common=warn",
                    nameof(variables));
            }

            lines.Add($"{variable.Name}={variable.Value}");
        }

        return string.Join("\n", lines) + "\n";
    }
}
