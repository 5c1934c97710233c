using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Provider;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Components.Tests.Provider;

/// <summary>The examples under examples/: the YAML program against the package schema, the C# programs by building them.</summary>
[Collection(DotnetCli.Collection)]
public sealed partial class ExampleTests
{
    [Fact]
    public void Yaml_example_uses_only_types_inputs_and_outputs_the_schema_has()
    {
        var schema = JsonNode.Parse(ConvexInfraSchema.Json())!;
        var yaml = new YamlStream();
        using (var reader = new StreamReader(RepoRoot.File("examples", "yaml", "Pulumi.yaml")))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Equal("yaml", ((YamlScalarNode)root["runtime"]).Value);
        Assert.Equal("../../provider", ((YamlScalarNode)((YamlMappingNode)root["packages"])["convex-infra"]).Value);

        var ours = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (nameNode, resourceNode) in (YamlMappingNode)root["resources"])
        {
            var name = ((YamlScalarNode)nameNode).Value!;
            var resource = (YamlMappingNode)resourceNode;
            var type = ((YamlScalarNode)resource["type"]).Value!;
            if (type.StartsWith("pulumi:", StringComparison.Ordinal))
            {
                continue; // built into Pulumi (the stack reference)
            }

            var spec = schema["resources"]![type]?.AsObject();
            Assert.True(spec is not null, $"resource '{name}': type {type} is not in the convex-infra schema");
            var inputs = spec["inputProperties"]!.AsObject();
            var given = ((YamlMappingNode)resource["properties"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
            Assert.All(given, property => Assert.True(inputs.ContainsKey(property), $"resource '{name}': {property} is not an input of {type}"));
            Assert.All(spec["requiredInputs"]!.AsArray().Select(n => (string)n!), required => Assert.Contains(required, given));
            ours[name] = spec;
        }

        Assert.NotEmpty(ours);
        var text = File.ReadAllText(RepoRoot.File("examples", "yaml", "Pulumi.yaml"));
        var references = Reference().Matches(text).Select(m => (Resource: m.Groups[1].Value, Property: m.Groups[2].Value)).Where(r => ours.ContainsKey(r.Resource)).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(ours[r.Resource]["properties"]!.AsObject().ContainsKey(r.Property),
            $"${{{r.Resource}.{r.Property}}} is not an output of the component"));
    }

    [Theory]
    [Trait("Category", "Tools")]
    [InlineData("csharp-existing-vpc")]
    [InlineData("app-stack")]
    public async Task Csharp_example_builds_against_the_pinned_packages(string example)
    {
        var (exitCode, output) = await DotnetCli.RunAsync("build", RepoRoot.File("examples", example));
        Assert.True(exitCode == 0, $"dotnet build examples/{example} failed:\n{output}");
    }

    [GeneratedRegex(@"\$\{([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z][A-Za-z0-9_]*)\}")]
    private static partial Regex Reference();
}
