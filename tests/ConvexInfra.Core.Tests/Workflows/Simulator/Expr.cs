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
internal static class Expr
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

    private sealed class Parser(string text, Scope scope)
    {
        private int pos;

        public object? ParseAll()
        {
            var value = Or();
            Skip();
            return pos == text.Length ? value : throw Fail("unexpected text");
        }

        private InvalidOperationException Fail(string what) =>
            new($"cannot evaluate '{text.Trim()}': {what} at {pos} ('{text[Math.Min(pos, text.Length)..].Trim()}')");

        private void Skip()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }
        }

        private bool Eat(string token)
        {
            Skip();
            if (string.CompareOrdinal(text, pos, token, 0, token.Length) != 0)
            {
                return false;
            }

            pos += token.Length;
            return true;
        }

        private object? Or()
        {
            var left = And();
            while (Eat("||"))
            {
                var right = And();
                left = Truthy(left) ? left : right;
            }

            return left;
        }

        private object? And()
        {
            var left = Compare();
            while (Eat("&&"))
            {
                var right = Compare();
                left = Truthy(left) ? right : left;
            }

            return left;
        }

        private object? Compare()
        {
            var left = Unary();
            while (true)
            {
                if (Eat("=="))
                {
                    left = LooseEquals(left, Unary());
                }
                else if (Eat("!="))
                {
                    left = !LooseEquals(left, Unary());
                }
                else if (Eat("<=") || Eat(">=") || Eat("<") || Eat(">"))
                {
                    throw Fail("ordering comparisons are not used by the workflows");
                }
                else
                {
                    return left;
                }
            }
        }

        private object? Unary() => Eat("!") ? !Truthy(Unary()) : Primary();

        private object? Primary()
        {
            Skip();
            if (Eat("("))
            {
                var inner = Or();
                return Eat(")") ? Path(inner) : throw Fail("missing ')'");
            }

            if (pos < text.Length && text[pos] == '\'')
            {
                var literal = new StringBuilder();
                for (pos++; ; pos++)
                {
                    if (pos >= text.Length)
                    {
                        throw Fail("unterminated string");
                    }

                    if (text[pos] == '\'')
                    {
                        if (pos + 1 < text.Length && text[pos + 1] == '\'')
                        {
                            literal.Append('\'');
                            pos++;
                            continue;
                        }

                        pos++;
                        return literal.ToString();
                    }

                    literal.Append(text[pos]);
                }
            }

            var start = pos;
            while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] is '_' or '-' or '.'))
            {
                if (text[pos] == '.' && !char.IsDigit(text[start]))
                {
                    break;
                }

                pos++;
            }

            var word = text[start..pos];
            if (word.Length == 0)
            {
                throw Fail("expected a value");
            }

            if (char.IsDigit(word[0]) || word[0] == '-')
            {
                return double.Parse(word, CultureInfo.InvariantCulture);
            }

            switch (word)
            {
                case "true": return true;
                case "false": return false;
                case "null": return null;
            }

            if (Eat("("))
            {
                var args = new List<object?>();
                if (!Eat(")"))
                {
                    do
                    {
                        args.Add(Or());
                    }
                    while (Eat(","));

                    if (!Eat(")"))
                    {
                        throw Fail("missing ')' after arguments");
                    }
                }

                return Path(Call(word, args));
            }

            if (!scope.Contexts.TryGetValue(word, out var context))
            {
                throw Fail($"unknown context '{word}'");
            }

            return Path(FromNode(context));
        }

        private object? Path(object? value)
        {
            while (true)
            {
                string key;
                if (pos < text.Length && text[pos] == '.')
                {
                    pos++;
                    var start = pos;
                    while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] is '_' or '-'))
                    {
                        pos++;
                    }

                    key = text[start..pos];
                }
                else if (pos < text.Length && text[pos] == '[')
                {
                    pos++;
                    key = ToText(Or());
                    if (!Eat("]"))
                    {
                        throw Fail("missing ']'");
                    }
                }
                else
                {
                    return value;
                }

                value = value switch
                {
                    JsonObject o => FromNode(o.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value),
                    JsonArray a when int.TryParse(key, out var i) => i < a.Count ? FromNode(a[i]) : null,
                    null => null,
                    _ => throw Fail($"'{key}' of a {value.GetType().Name}"),
                };
            }
        }

        private object? Call(string name, List<object?> args)
        {
            void Arity(int n)
            {
                if (args.Count != n)
                {
                    throw Fail($"{name}() takes {n} argument(s)");
                }
            }

            switch (name.ToLowerInvariant())
            {
                case "success":
                case "failure":
                case "always":
                case "cancelled":
                    Arity(0);
                    return scope.Status is { } status ? status(name.ToLowerInvariant()) : throw Fail($"{name}() outside an if:");
                case "contains":
                    Arity(2);
                    return args[0] is JsonArray array
                        ? array.Any(item => LooseEquals(FromNode(item), args[1]))
                        : ToText(args[0]).Contains(ToText(args[1]), StringComparison.OrdinalIgnoreCase);
                case "startswith":
                    Arity(2);
                    return ToText(args[0]).StartsWith(ToText(args[1]), StringComparison.OrdinalIgnoreCase);
                case "endswith":
                    Arity(2);
                    return ToText(args[0]).EndsWith(ToText(args[1]), StringComparison.OrdinalIgnoreCase);
                case "format":
                    var format = ToText(args[0]);
                    for (var i = 1; i < args.Count; i++)
                    {
                        format = format.Replace("{" + (i - 1).ToString(CultureInfo.InvariantCulture) + "}", ToText(args[i]), StringComparison.Ordinal);
                    }

                    return format;
                case "fromjson":
                    Arity(1);
                    try
                    {
                        return FromNode(JsonNode.Parse(ToText(args[0])));
                    }
                    catch (JsonException e)
                    {
                        throw Fail($"fromJSON('{ToText(args[0])}'): {e.Message}");
                    }

                case "tojson":
                    Arity(1);
                    return args[0] is JsonNode node ? node.ToJsonString() : JsonSerializer.Serialize(args[0]);
                case "join":
                    return args[0] is JsonArray items
                        ? string.Join(args.Count > 1 ? ToText(args[1]) : ",", items.Select(i => ToText(FromNode(i))))
                        : ToText(args[0]);
                default:
                    throw Fail($"unknown function {name}()");
            }
        }
    }
}
