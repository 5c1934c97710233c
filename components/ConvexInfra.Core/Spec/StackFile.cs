using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Spec;

/// <summary>
/// Reads Pulumi stack files (<c>Pulumi.&lt;stack&gt;.yaml</c>) into a <see cref="StackConfig"/> without the
/// Pulumi CLI, so the offline plan and the tests see exactly what the program would.
/// </summary>
public static class StackFile
{
    private const string ExampleLine = "config: on the first line, then keys indented by two spaces, e.g. '  convex-infra:target: aws-ec2'";

    /// <summary>Reads <paramref name="path"/>; the stack name comes from the file name, the project from the Pulumi.yaml beside it.</summary>
    public static StackConfig Load(string path) => Unwrap(TryLoad(path));

    public static StackFileResult TryLoad(string path)
    {
        var fileName = Path.GetFileName(path);
        if (!fileName.StartsWith("Pulumi.", StringComparison.Ordinal) || !fileName.EndsWith(".yaml", StringComparison.Ordinal) ||
            fileName.Length <= "Pulumi..yaml".Length)
        {
            throw new ArgumentException($"A stack file is named Pulumi.<stack>.yaml, e.g. Pulumi.prod.yaml; got '{fileName}'.", nameof(path));
        }

        var stackName = fileName["Pulumi.".Length..^".yaml".Length];
        var projectFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "Pulumi.yaml");
        var projectName = File.Exists(projectFile) ? FindProjectName(projectFile) : SettingKeys.Namespace;
        return TryParse(File.ReadAllText(path), projectName, stackName, fileName);
    }

    public static StackConfig Parse(string yamlText, string projectName, string stackName) =>
        Unwrap(TryParse(yamlText, projectName, stackName));

    /// <summary>Like <see cref="Parse"/>, but returns YAML problems (with line and column) instead of throwing.</summary>
    public static StackFileResult TryParse(string yamlText, string projectName, string stackName, string? fileName = null)
    {
        var source = fileName ?? $"Pulumi.{stackName}.yaml";
        YamlStream stream;
        try
        {
            stream = LoadYaml(yamlText);
        }
        catch (YamlException error)
        {
            return new StackFileResult(null, [SyntaxError(source, error)]);
        }

        var values = new SortedDictionary<string, ConfigValue>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new StackFileResult(new StackConfig(projectName, stackName, values), []);
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return new StackFileResult(null, [ShapeError(source, stream.Documents[0].RootNode, "a YAML map at the top level with a 'config:' key")]);
        }

        var errors = new List<ConfigError>();
        var config = root.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode { Value: "config" }).Value;
        switch (config)
        {
            case null:
            case YamlScalarNode { Value: null or "" }:
                break;
            case YamlMappingNode entries:
                foreach (var (key, value) in entries.Children)
                {
                    if (key is YamlScalarNode { Value: { Length: > 0 } name })
                    {
                        values[name] = YamlConfigValues.Convert(value);
                    }
                    else
                    {
                        errors.Add(ShapeError(source, key, "a config key written as text, e.g. convex-infra:target"));
                    }
                }

                break;
            default:
                errors.Add(ShapeError(source, config, "'config:' to hold a map of keys to values"));
                break;
        }

        return errors.Count > 0
            ? new StackFileResult(null, errors)
            : new StackFileResult(new StackConfig(projectName, stackName, values), []);
    }

    /// <summary>The project name (<c>name:</c>) from a Pulumi.yaml; it is also the namespace of the project's config keys.</summary>
    public static string FindProjectName(string pulumiYamlPath)
    {
        YamlStream stream;
        try
        {
            stream = LoadYaml(File.ReadAllText(pulumiYamlPath));
        }
        catch (YamlException error)
        {
            throw new StackFileException([SyntaxError(Path.GetFileName(pulumiYamlPath), error)]);
        }

        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        var name = root?.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode { Value: "name" }).Value as YamlScalarNode;
        return name?.Value is { Length: > 0 } projectName
            ? projectName
            : throw new StackFileException([new ConfigError($"{Path.GetFileName(pulumiYamlPath)}: name", "no project name", "a top-level 'name:' key", "name: convex-infra")]);
    }

    private static YamlStream LoadYaml(string yamlText)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(yamlText);
        stream.Load(reader);
        return stream;
    }

    private static StackConfig Unwrap(StackFileResult result) =>
        result.Config is not null && result.Errors.Count == 0 ? result.Config : throw new StackFileException(result.Errors);

    private static ConfigError SyntaxError(string source, YamlException error)
    {
        var message = (error.InnerException?.Message is { Length: > 0 } inner && error.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)
            ? $"{error.Message} ({inner})"
            : error.Message).ReplaceLineEndings(" ").TrimEnd('.', ' ');
        return new ConfigError($"{source} line {error.Start.Line}, column {error.Start.Column}", message, "valid YAML", ExampleLine);
    }

    private static ConfigError ShapeError(string source, YamlNode node, string expected) =>
        new($"{source} line {node.Start.Line}, column {node.Start.Column}", $"a {node.NodeType.ToString().ToLowerInvariant()}", expected, ExampleLine);
}
