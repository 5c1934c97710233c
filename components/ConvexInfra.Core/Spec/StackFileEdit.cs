using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Spec;

/// <summary>
/// Changes one scalar setting of a stack file in its text: only the value's characters are replaced, so comments,
/// key order, quoting of other keys and line endings stay byte for byte as the user wrote them (a YAML round trip
/// through a serializer would drop the comments the repository's stack files rely on).
/// </summary>
public static class StackFileEdit
{
    /// <summary>
    /// <paramref name="yamlText"/> with the value of <c>config: &lt;key&gt;:</c> replaced by <paramref name="value"/>,
    /// in the value's own quoting. The value must be plain-safe (a SHA, a word); the key must already be set to a scalar.
    /// </summary>
    public static string SetScalar(string yamlText, SettingKey key, string value)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (!value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"'{value}' is not a plain YAML word; only letters, digits, '-', '_' and '.' are written unquoted", nameof(value));
        }

        var stream = new YamlStream();
        using (var reader = new StringReader(yamlText))
        {
            stream.Load(reader);
        }

        var config = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode { Value: "config" }).Value as YamlMappingNode
            : null;
        var node = config?.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode { Value: var name } && name == key.FullName).Value;
        if (node is not YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } scalar)
        {
            throw new InvalidOperationException(
                $"{key.FullName}: not set to a single value under 'config:' in the stack file; add it first, e.g. '  {key.FullName}: {key.Example}'");
        }

        // A quoted value keeps its quotes: only the characters between them change.
        var quotes = scalar.Style == ScalarStyle.Plain ? 0 : 1;
        var start = checked((int)scalar.Start.Index) + quotes;
        var end = checked((int)scalar.End.Index) - quotes;
        return string.Concat(yamlText.AsSpan(0, start), value, yamlText.AsSpan(end));
    }
}
