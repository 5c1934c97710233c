using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConvexInfra.Core.Tests.Workflows.Simulator;

/// <summary>The recursive-descent parser and evaluator behind <see cref="Expr.Evaluate"/>.</summary>
internal static partial class Expr
{
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
