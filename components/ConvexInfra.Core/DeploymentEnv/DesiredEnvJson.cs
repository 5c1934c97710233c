using System.Text.Json;

namespace ConvexInfra.Core.DeploymentEnv;

/// <summary>Reads and writes the desired-variables document: one JSON object of name → string value.</summary>
public static class DesiredEnvJson
{
    public const string Example = """{"AUTH_GITHUB_ID": "Iv1.0123", "APP_MODE": "production"}""";

    public static IReadOnlyDictionary<string, string> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            // The parser's message quotes no input text, only line and byte position.
            throw new FormatException($"{source}: not valid JSON ({e.Message}); expected an object of name → string, e.g. {Example}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{source}: expected a JSON object of name → string, got a {document.RootElement.ValueKind}; e.g. {Example}");
            }

            var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"{source}: the value of '{property.Name}' must be a JSON string, got a {property.Value.ValueKind}; e.g. {Example}");
                }

                if (!result.TryAdd(property.Name, property.Value.GetString()!))
                {
                    throw new FormatException($"{source}: '{property.Name}' appears more than once; give each variable once");
                }
            }

            var problems = DeploymentEnvRules.Problems(result);
            return problems.Count == 0 ? result : throw new FormatException($"{source}: {string.Join("; ", problems)}");
        }
    }

    public static string Serialize(IReadOnlyDictionary<string, string> desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        return JsonSerializer.Serialize(new SortedDictionary<string, string>(desired.ToDictionary(), StringComparer.Ordinal));
    }
}
