using System.Text;
using System.Text.Json.Nodes;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Provider;

namespace ConvexInfra.Components.Tests.Provider;

/// <summary>docs/component.md's input and output tables are generated from the package schema; this keeps them in sync.</summary>
public sealed class ComponentDocsTests
{
    private const string Start = "<!-- generated: tests/ConvexInfra.Components.Tests/Provider/ComponentDocsTests.cs; run with UPDATE_COMPONENT_DOCS=1 -->";
    private const string End = "<!-- end generated -->";

    [Fact]
    public void Component_docs_tables_match_the_schema()
    {
        var path = RepoRoot.File("docs", "component.md");
        var text = File.ReadAllText(path);
        var from = text.IndexOf(Start, StringComparison.Ordinal);
        var to = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "docs/component.md lacks the generated region markers");

        var generated = Tables();
        var updated = text[..(from + Start.Length)] + "\n" + generated + text[to..];
        if (Environment.GetEnvironmentVariable("UPDATE_COMPONENT_DOCS") == "1")
        {
            File.WriteAllText(path, updated);
            text = updated;
        }

        Assert.Equal(updated, text);
    }

    private static string Tables()
    {
        var resource = JsonNode.Parse(ConvexInfraSchema.Json())!["resources"]![ConvexInfraSchema.ResourceToken]!.AsObject();
        var required = resource["requiredInputs"]!.AsArray().Select(n => (string)n!).ToHashSet();
        var text = new StringBuilder();
        text.Append("\n### Inputs\n\n| Input | Type | Required | Takes outputs | Description |\n|---|---|---|---|---|\n");
        foreach (var (name, property) in resource["inputProperties"]!.AsObject())
        {
            var plain = (bool?)(property!["plain"] ?? property["items"]?["plain"] ?? property["additionalProperties"]?["plain"]) == true;
            text.Append($"| `{name}` | {TypeOf(property)} | {(required.Contains(name) ? "yes" : "")} | {(plain ? "" : "yes")} | {Cell(property)} |\n");
        }

        text.Append("\n### Outputs\n\n| Output | Type | Always set | Secret | Description |\n|---|---|---|---|---|\n");
        var always = resource["required"]!.AsArray().Select(n => (string)n!).ToHashSet();
        foreach (var (name, property) in resource["properties"]!.AsObject().Select(p => (p.Key, p.Value!)))
        {
            text.Append($"| `{name}` | {TypeOf(property)} | {(always.Contains(name) ? "yes" : "")} | {((bool?)property["secret"] == true ? "**yes**" : "")} | {Cell(property)} |\n");
        }

        return text.Append('\n').ToString();
    }

    private static string TypeOf(JsonNode property) => (string?)property["type"] switch
    {
        "array" => $"list of {TypeOf(property["items"]!)}",
        "object" => $"map of {TypeOf(property["additionalProperties"]!)}",
        var type => type ?? "?",
    };

    private static string Cell(JsonNode property) => ((string?)property["description"] ?? "").Replace("|", "\\|", StringComparison.Ordinal);
}
