using System.Text.Json.Nodes;

namespace ConvexInfra.Core.Tests.Ops;

/// <summary>
/// Validates JSON against the JSON Schema draft-04 keywords the CloudWatch agent's schema uses where our configuration
/// lives (type, properties, additionalProperties, items, $ref to #/definitions, minimum/maximum, minLength/maxLength).
/// Returns every violation with its JSON path; an unknown keyword fails loudly rather than passing unchecked.
/// </summary>
internal sealed class SchemaSubset(JsonObject root)
{
    private static readonly HashSet<string> Known =
        ["type", "properties", "additionalProperties", "items", "$ref", "definitions", "minimum", "maximum", "minLength", "maxLength", "x-line"];

    public List<string> Validate(JsonNode? value)
    {
        var errors = new List<string>();
        Check(root, value, "$", errors);
        return errors;
    }

    private void Check(JsonObject schema, JsonNode? value, string path, List<string> errors)
    {
        foreach (var keyword in schema.Select(p => p.Key).Where(k => !Known.Contains(k)))
        {
            throw new InvalidOperationException($"schema keyword '{keyword}' at {path} is not supported by this validator");
        }

        if (schema["$ref"] is JsonValue reference)
        {
            var name = reference.GetValue<string>().Replace("#/definitions/", string.Empty, StringComparison.Ordinal);
            var target = root["definitions"]?[name] as JsonObject ?? throw new InvalidOperationException($"unknown $ref {name}");
            Check(target, value, path, errors);
            return;
        }

        var type = schema["type"]?.GetValue<string>();
        if (type is not null && !HasType(value, type))
        {
            errors.Add($"{path}: expected {type}, got {value?.GetValueKind().ToString() ?? "null"}");
            return;
        }

        switch (value)
        {
            case JsonObject obj:
                var properties = schema["properties"] as JsonObject;
                foreach (var (key, child) in obj)
                {
                    if (properties?[key] is JsonObject propertySchema)
                    {
                        Check(propertySchema, child, $"{path}.{key}", errors);
                    }
                    else if (schema["additionalProperties"] is JsonObject extra)
                    {
                        Check(extra, child, $"{path}.{key}", errors);
                    }
                    else if (schema["additionalProperties"] is JsonValue allowed && !allowed.GetValue<bool>())
                    {
                        errors.Add($"{path}: property '{key}' is not allowed");
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                {
                    Check(items, array[i], $"{path}[{i}]", errors);
                }

                break;
            case JsonValue scalar when type == "integer":
                var number = scalar.GetValue<long>();
                if (schema["minimum"] is JsonValue min && number < min.GetValue<long>())
                {
                    errors.Add($"{path}: {number} is below {min}");
                }

                if (schema["maximum"] is JsonValue max && number > max.GetValue<long>())
                {
                    errors.Add($"{path}: {number} is above {max}");
                }

                break;
            case JsonValue scalar when type == "string":
                var length = scalar.GetValue<string>().Length;
                if ((schema["minLength"] is JsonValue minLength && length < minLength.GetValue<int>())
                    || (schema["maxLength"] is JsonValue maxLength && length > maxLength.GetValue<int>()))
                {
                    errors.Add($"{path}: length {length} is out of range");
                }

                break;
        }
    }

    private static bool HasType(JsonNode? value, string type) => type switch
    {
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String,
        "boolean" => value is JsonValue b && b.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
        "integer" => value is JsonValue n && n.GetValueKind() == System.Text.Json.JsonValueKind.Number && n.TryGetValue<long>(out _),
        _ => throw new InvalidOperationException($"schema type '{type}' is not supported by this validator"),
    };
}
