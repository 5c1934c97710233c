using System.Globalization;
using System.Text;

namespace ConvexInfra.Core.Rendering;

/// <summary>Tiny YAML emit helpers for the hand-written documents (compose, cloud-config).</summary>
internal static class YamlText
{
    /// <summary>A double-quoted YAML scalar; escapes backslash, quote and every control character.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append("\\\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append("\\n"),
                '\t' => builder.Append("\\t"),
                _ when char.IsControl(c) => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }

    /// <summary>A literal block scalar (<c>|</c>) holding <paramref name="text"/> exactly, indented by <paramref name="indent"/> spaces.</summary>
    public static string LiteralBlock(string text, int indent)
    {
        if (text.Contains('\r', StringComparison.Ordinal) || text.Contains('\t', StringComparison.Ordinal))
        {
            throw new ArgumentException("literal blocks here hold LF-only text without tabs", nameof(text));
        }

        // '|' keeps exactly one final newline; '|+' keeps several, '|-' none.
        var trailing = text.Length - text.TrimEnd('\n').Length;
        var indicator = trailing switch { 0 => "|-", 1 => "|", _ => "|+" };
        var pad = new string(' ', indent);
        var body = text.TrimEnd('\n').Split('\n').Select(line => line.Length == 0 ? string.Empty : pad + line);
        return indicator + "\n" + string.Join("\n", body) + new string('\n', Math.Max(trailing, 1));
    }
}
