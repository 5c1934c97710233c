using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace ConvexInfra.Components.Tests.Provider.Protocol;

/// <summary>
/// Property values on the wire (google.protobuf.Struct) as the engine writes and reads them. The special values are
/// Pulumi's, sdk/Pulumi/Serialization/Constants.cs at v3.112.1: UnknownValue (line 10), SpecialSigKey (line 15),
/// SpecialSecretSig (line 30), SpecialResourceSig (line 35), SpecialOutputValueSig (line 40).
/// </summary>
internal static class WireValues
{
    public const string Unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    public const string SigKey = "4dabf18193072939515e22adb298388d";
    public const string SecretSig = "1b47061264138c4ac30d75fd1eb44270";
    public const string ResourceSig = "5cf8f73096256a8f31e491e813e4eb8e";
    public const string OutputValueSig = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

    public static Value Secret(Value value) => Value.ForStruct(new Struct
    {
        Fields = { [SigKey] = Value.ForString(SecretSig), ["value"] = value },
    });

    public static Value UnknownValue() => Value.ForString(Unknown);

    /// <summary>A secret, or an output value marked secret (what Construct returns for a secret output).</summary>
    public static bool IsSecret(Value value) =>
        value.KindCase == Value.KindOneofCase.StructValue
        && value.StructValue.Fields.TryGetValue(SigKey, out var sig)
        && (sig.StringValue == SecretSig
            || (sig.StringValue == OutputValueSig && value.StructValue.Fields.TryGetValue("secret", out var secret) && secret.BoolValue));

    /// <summary>A plain value (string, number, bool, list, map, null) as the engine sends it.</summary>
    public static Value ToValue(object? value) => value switch
    {
        null => Value.ForNull(),
        Value v => v,
        string text => Value.ForString(text),
        bool flag => Value.ForBool(flag),
        int or long or double or float or decimal => Value.ForNumber(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        IDictionary map => Value.ForStruct(ToStruct(map)),
        IEnumerable items => Value.ForList([.. items.Cast<object?>().Select(ToValue)]),
        _ => throw new InvalidOperationException($"No wire form for {value.GetType().Name}."),
    };

    public static Struct ToStruct(IDictionary map)
    {
        var result = new Struct();
        foreach (DictionaryEntry entry in map)
        {
            result.Fields[(string)entry.Key] = ToValue(entry.Value);
        }

        return result;
    }

    /// <summary>
    /// The plain value behind a wire value, as the mocks take inputs: secrets unwrapped, resource references as
    /// their URN, unknowns and nulls left out of maps (Pulumi's MockMonitor does the same).
    /// </summary>
    public static object? ToPlain(Value value)
    {
        switch (value.KindCase)
        {
            case Value.KindOneofCase.StringValue:
                return value.StringValue == Unknown ? null : value.StringValue;
            case Value.KindOneofCase.NumberValue:
                return value.NumberValue;
            case Value.KindOneofCase.BoolValue:
                return value.BoolValue;
            case Value.KindOneofCase.ListValue:
                return value.ListValue.Values.Select(ToPlain).Where(v => v is not null).Cast<object>().ToImmutableArray();
            case Value.KindOneofCase.StructValue:
                var fields = value.StructValue.Fields;
                if (fields.TryGetValue(SigKey, out var sig))
                {
                    return sig.StringValue switch
                    {
                        SecretSig => ToPlain(fields["value"]),
                        ResourceSig => fields["urn"].StringValue,
                        OutputValueSig => fields.TryGetValue("value", out var inner) ? ToPlain(inner) : null,
                        _ => null,
                    };
                }

                return ToPlainMap(value.StructValue);
            default:
                return null;
        }
    }

    public static ImmutableDictionary<string, object> ToPlainMap(Struct map)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, object>();
        foreach (var (key, field) in map.Fields)
        {
            if (ToPlain(field) is { } plain)
            {
                builder[key] = plain;
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>Every string in a wire value that is not inside a secret, to find secrets that leaked into plain values.</summary>
    public static IEnumerable<string> PlainStrings(Value value)
    {
        switch (value.KindCase)
        {
            case Value.KindOneofCase.StringValue:
                yield return value.StringValue;
                break;
            case Value.KindOneofCase.ListValue:
                foreach (var text in value.ListValue.Values.SelectMany(PlainStrings))
                {
                    yield return text;
                }

                break;
            case Value.KindOneofCase.StructValue when !IsSecret(value):
                foreach (var text in value.StructValue.Fields.Values.SelectMany(PlainStrings))
                {
                    yield return text;
                }

                break;
        }
    }
}
