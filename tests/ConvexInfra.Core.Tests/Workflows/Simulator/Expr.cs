using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConvexInfra.Core.Tests.Workflows.Simulator;

/// <summary>
/// The part of GitHub's expression language the workflows use: literals, context paths (<c>a.b</c>, <c>a['b']</c>),
/// <c>! == != &lt; &gt; &amp;&amp; ||</c>, parentheses, and the functions below. Values are null, bool, double, string or
/// <see cref="JsonNode"/> (objects and arrays). Anything else (an unknown context, function or syntax) throws: the
/// simulator never guesses a result.
/// </summary>
internal static partial class Expr
{
    /// <summary>Status functions (success(), failure(), always(), cancelled()) and the contexts of one evaluation.</summary>
    public sealed record Scope(IReadOnlyDictionary<string, JsonNode?> Contexts, Func<string, bool>? Status = null);

    public static object? Evaluate(string expression, Scope scope) => new Parser(expression, scope).ParseAll();

    /// <summary>Replaces every <c>${{ … }}</c> in a string with its value as text.</summary>
    public static string Interpolate(string text, Scope scope)
    {
        var result = new StringBuilder();
        var at = 0;
        while (true)
        {
            var start = text.IndexOf("${{", at, StringComparison.Ordinal);
            if (start < 0)
            {
                return result.Append(text, at, text.Length - at).ToString();
            }

            var end = text.IndexOf("}}", start, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new InvalidOperationException($"unterminated expression in '{text}'");
            }

            result.Append(text, at, start - at).Append(ToText(Evaluate(text[(start + 3)..end], scope)));
            at = end + 2;
        }
    }

    /// <summary>An <c>if:</c>: a bare expression or one wrapped in <c>${{ }}</c>; success() is implied without a status function.</summary>
    public static bool Condition(string? condition, Scope scope)
    {
        var text = (condition ?? "").Trim();
        if (text.StartsWith("${{", StringComparison.Ordinal) && text.EndsWith("}}", StringComparison.Ordinal) && text.IndexOf("${{", 3, StringComparison.Ordinal) < 0)
        {
            text = text[3..^2].Trim();
        }

        if (text.Length == 0)
        {
            return scope.Status!("success");
        }

        var usesStatus = new[] { "success(", "failure(", "always(", "cancelled(" }.Any(f => text.Contains(f, StringComparison.Ordinal));
        var value = Truthy(Evaluate(text, scope));
        return usesStatus ? value : value && scope.Status!("success");
    }

    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        _ => true,
    };

    public static string ToText(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => d.ToString(CultureInfo.InvariantCulture),
        string s => s,
        JsonNode node => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
        _ => throw new InvalidOperationException($"cannot print {value.GetType().Name}"),
    };

    public static object? FromNode(JsonNode? node) => node?.GetValueKind() switch
    {
        // Every arm is object: JsonNode converts implicitly from bool, double and string, and would win otherwise.
        null or JsonValueKind.Null => null,
        JsonValueKind.True => (object)true,
        JsonValueKind.False => false,
        JsonValueKind.String => (object)node.GetValue<string>(),
        JsonValueKind.Number => double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture),
        _ => node,
    };

    private static double ToNumber(object? value) => value switch
    {
        null => 0,
        bool b => b ? 1 : 0,
        double d => d,
        string s when s.Trim().Length == 0 => 0,
        string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN,
        _ => double.NaN,
    };

    // GitHub: same types compare directly (strings case-insensitively); otherwise both sides are coerced to numbers.
    private static bool LooseEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (string x, string y) => string.Equals(x, y, StringComparison.OrdinalIgnoreCase),
        (bool x, bool y) => x == y,
        (JsonNode x, JsonNode y) => ReferenceEquals(x, y),
        (JsonNode, _) or (_, JsonNode) => false,
        _ => ToNumber(a) == ToNumber(b),
    };
}
