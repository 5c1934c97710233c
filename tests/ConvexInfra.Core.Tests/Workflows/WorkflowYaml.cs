using System.Text.RegularExpressions;
using ConvexInfra.Core.Tests.Spec;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>Reads the committed GitHub workflows as YAML trees so tests can assert on their structure.</summary>
internal static partial class WorkflowYaml
{
    public static string Root => RepoRootFinder.Find();

    public static string WorkflowsDir => Path.Combine(Root, ".github", "workflows");

    public static IReadOnlyList<string> Files() =>
        Directory.GetFiles(WorkflowsDir, "*.yml").Order(StringComparer.Ordinal).ToList();

    public static YamlMappingNode Load(string fileName)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(WorkflowsDir, fileName));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static YamlMappingNode Map(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode result
            ? result
            : throw new Xunit.Sdk.XunitException($"no mapping '{key}' in {node.Start}");

    public static string? Text(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlScalarNode scalar
            ? scalar.Value
            : null;

    /// <summary>A job's <c>needs:</c>, whether written as one name or as a list.</summary>
    public static IReadOnlyList<string> Needs(YamlMappingNode job) =>
        job.Children.TryGetValue(new YamlScalarNode("needs"), out var needs)
            ? needs is YamlSequenceNode list ? list.Children.Select(n => n.ToString()).ToList() : [needs.ToString()]
            : [];

    public static IReadOnlyList<YamlMappingNode> Steps(this YamlMappingNode job) =>
        job.Children.TryGetValue(new YamlScalarNode("steps"), out var steps) && steps is YamlSequenceNode list
            ? list.Children.Cast<YamlMappingNode>().ToList()
            : [];

    public static IEnumerable<(string Workflow, string Job, YamlMappingNode Node)> Jobs() =>
        Files().SelectMany(file =>
        {
            var name = Path.GetFileName(file);
            return Load(name).Map("jobs").Children.Select(job => (name, ((YamlScalarNode)job.Key).Value!, (YamlMappingNode)job.Value));
        });

    /// <summary>
    /// A step's script as bash sees it, with each <c>${{ … }}</c> expression replaced by underscores of the same
    /// length (as actionlint does), so shellcheck checks the shell and not GitHub's template syntax.
    /// </summary>
    public static string ShellOf(string run) => Expression().Replace(run, match => new string('_', match.Length));

    [GeneratedRegex(@"\$\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex Expression();
}
