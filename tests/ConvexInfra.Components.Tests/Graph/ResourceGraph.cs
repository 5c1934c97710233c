using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Graph;

/// <summary>
/// The resource graph of one mocked run as a comparable value: every registration's type, name and provider, plus a
/// SHA-256 of its inputs in a canonical JSON form (sorted keys). The hash keeps secret inputs (passwords, admin keys)
/// out of the committed snapshot; <see cref="CanonicalInputs"/> shows the inputs of a node that differs.
/// </summary>
internal sealed record GraphNode(string Type, string Name, string Provider, string InputsSha256)
{
    public string Key => $"{Type}::{Name}";
}

internal static class ResourceGraph
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IReadOnlyList<GraphNode> Of(IEnumerable<MockResourceArgs> registered) =>
        registered
            .Select(r => new GraphNode(r.Type ?? "", r.Name ?? "", r.Provider ?? "", Hash(CanonicalInputs(r))))
            .OrderBy(n => n.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The inputs as canonical JSON, with the two values a run cannot repeat replaced by a marker: the admin key's
    /// issue time (the clock at the first <c>pulumi up</c>, kept in state afterwards) and the value of every SSM
    /// SecureString (the admin key derived from that time; and a secret has no place in a snapshot or a test log).
    /// </summary>
    public static string CanonicalInputs(MockResourceArgs resource)
    {
        var inputs = Canonical(resource.Inputs) as JsonObject ?? [];
        if (resource.Type == "random:index/randomInteger:RandomInteger" && resource.Name?.EndsWith("-admin-key-issued-at", StringComparison.Ordinal) == true)
        {
            inputs["min"] = "<issue time>";
            inputs["max"] = "<issue time>";
        }

        if (resource.Type == "aws:ssm/parameter:Parameter" && inputs["type"]?.GetValue<string>() == "SecureString" && inputs.ContainsKey("value"))
        {
            inputs["value"] = "<secure string>";
        }

        return inputs.ToJsonString();
    }

    public static string Serialize(IReadOnlyList<GraphNode> graph) =>
        JsonSerializer.Serialize(graph.Select(n => new Dictionary<string, string>
        {
            ["type"] = n.Type,
            ["name"] = n.Name,
            ["provider"] = n.Provider,
            ["inputs"] = n.InputsSha256,
        }), Indented) + "\n";

    public static IReadOnlyList<GraphNode> Deserialize(string json) =>
        JsonSerializer.Deserialize<List<Dictionary<string, string>>>(json)!
            .Select(d => new GraphNode(d["type"], d["name"], d["provider"], d["inputs"]))
            .ToList();

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static JsonNode? Canonical(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        // Mock inputs carry numbers as doubles; one spelling for every numeric type.
        byte or short or int or long or float or double or decimal =>
            JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)),
        IDictionary<string, object> map => new JsonObject(map
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(Canonical).ToArray()),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };
}
