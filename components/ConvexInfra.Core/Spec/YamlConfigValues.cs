using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Spec;

/// <summary>
/// Converts one YAML config value to the <see cref="ConfigValue"/> Pulumi would hand the program:
/// scalars as their text, lists and maps as JSON text, and anything holding a <c>secure:</c> value as a secret.
/// </summary>
internal static partial class YamlConfigValues
{
    public static ConfigValue Convert(YamlNode node)
    {
        if (ContainsSecure(node))
        {
            return ConfigValue.Secret();
        }

        return node switch
        {
            YamlScalarNode scalar => new ConfigValue(scalar.Value ?? ""),
            _ => new ConfigValue(ToJson(node)),
        };
    }

    /// <summary>Pulumi's secret envelope is a map with the single key <c>secure</c>; one anywhere inside makes the whole value secret.</summary>
    private static bool ContainsSecure(YamlNode node) => node switch
    {
        YamlMappingNode map => IsSecureEnvelope(map) || map.Children.Values.Any(ContainsSecure),
        YamlSequenceNode list => list.Children.Any(ContainsSecure),
        _ => false,
    };

    private static bool IsSecureEnvelope(YamlMappingNode map) =>
        map.Children.Count == 1 && map.Children.Keys.Single() is YamlScalarNode { Value: "secure" };

    private static string ToJson(YamlNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlSequenceNode list:
                writer.WriteStartArray();
                foreach (var item in list.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode scalarKey ? scalarKey.Value ?? "" : key.ToString());
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw new YamlException(node.Start, node.End, "unsupported YAML node");
        }
    }

    /// <summary>Plain scalars follow the YAML core schema (null, booleans, numbers); quoted ones are always strings.</summary>
    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            writer.WriteStringValue(text);
        }
        else if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            writer.WriteBooleanValue(text.StartsWith('t') || text.StartsWith('T'));
        }
        else if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
