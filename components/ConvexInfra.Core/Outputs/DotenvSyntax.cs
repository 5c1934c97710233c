using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Outputs;

/// <summary>
/// Writes values the way the npm <c>dotenv</c> parser (used by the Convex CLI, Vite and Next.js) reads
/// them back unchanged, and the way a POSIX shell's <c>source</c> does too where possible.
/// </summary>
/// <remarks>
/// dotenv rules this follows: an unquoted value ends at the first '#'; single quotes are literal; double
/// quotes only turn <c>\n</c>/<c>\r</c> into line breaks and have no way to escape a '"'. Vite and
/// Next.js also run dotenv-expand, which substitutes <c>$NAME</c> even inside single quotes, while plain
/// dotenv keeps <c>\$</c> literally: a '$' therefore has no portable spelling and is refused.
/// </remarks>
public static partial class DotenvSyntax
{
    /// <summary>Names dotenv accepts (<c>[\w.-]+</c>), narrowed to what shells and GitHub accept too.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary><c>NAME=value</c> with the value quoted as needed; throws <see cref="ArgumentException"/> for an unrepresentable value.</summary>
    public static string Assignment(string name, string value)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid env variable name; expected letters, digits and '_', not starting with a digit, e.g. VITE_CONVEX_URL", nameof(name));
        }

        return $"{name}={Quote(name, value)}";
    }

    /// <summary>The value as it should appear after the '='.</summary>
    public static string Quote(string name, string value)
    {
        if (value.Contains('$', StringComparison.Ordinal))
        {
            throw new ArgumentException($"the value of {name} contains '$', which dotenv-expand (Vite, Next.js) would substitute; no spelling keeps it literal everywhere", nameof(value));
        }

        if (value.Length > 0 && PlainValue().IsMatch(value))
        {
            return value;
        }

        var multiline = value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal);
        if (!multiline && !value.Contains('\'', StringComparison.Ordinal))
        {
            return $"'{value}'";
        }

        if (value.Contains('"', StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal) || value.Contains('`', StringComparison.Ordinal))
        {
            throw new ArgumentException($"the value of {name} mixes quotes, backslashes or line breaks in a way dotenv cannot read back unchanged", nameof(value));
        }

        return "\"" + value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
    }

    // Characters that need no quotes for dotenv nor for a shell; '|' and spaces are deliberately absent.
    [GeneratedRegex(@"^[A-Za-z0-9_./:@+,=%~-]+$")]
    private static partial Regex PlainValue();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();
}
