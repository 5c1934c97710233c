using System.Text.Json;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>A parsed IAM statement; tests read policies the way IAM does, not as strings.</summary>
internal sealed record ParsedStatement(
    string Sid,
    string Effect,
    string? Principal,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Resources,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Conditions);

internal static class PolicyJson
{
    public static IReadOnlyList<ParsedStatement> Statements(string policy)
    {
        using var document = JsonDocument.Parse(policy);
        var root = document.RootElement;
        Assert.Equal(["Version", "Statement"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2012-10-17", root.GetProperty("Version").GetString());
        return root.GetProperty("Statement").EnumerateArray().Select(Parse).ToList();
    }

    public static IEnumerable<string> AllowedResources(params string[] policies) =>
        policies.SelectMany(Statements).Where(s => s.Effect == "Allow").SelectMany(s => s.Resources);

    private static ParsedStatement Parse(JsonElement statement)
    {
        Assert.Equal("Sid", statement.EnumerateObject().First().Name);
        string? principal = null;
        if (statement.TryGetProperty("Principal", out var p))
        {
            principal = p.ValueKind == JsonValueKind.String ? p.GetString() : $"Service:{p.GetProperty("Service").GetString()}";
        }

        var conditions = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        if (statement.TryGetProperty("Condition", out var condition))
        {
            foreach (var op in condition.EnumerateObject())
            {
                conditions[op.Name] = op.Value.EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetString()!);
            }
        }

        return new ParsedStatement(
            statement.GetProperty("Sid").GetString()!,
            statement.GetProperty("Effect").GetString()!,
            principal,
            statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!).ToList(),
            statement.TryGetProperty("Resource", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToList() : [],
            conditions);
    }
}
