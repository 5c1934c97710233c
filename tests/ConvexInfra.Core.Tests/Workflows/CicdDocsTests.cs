using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>docs/cicd.md states the names the workflows read and the drift schedule: each is compared with the
/// committed workflows, so the path a new user walks cannot name a variable CI does not read (or miss one it does).</summary>
public sealed partial class CicdDocsTests
{
    private static readonly string Docs = File.ReadAllText(Path.Combine(WorkflowYaml.Root, "docs", "cicd.md"));

    private static string Section(string heading)
    {
        var start = Docs.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/cicd.md has no section '{heading}'");
        var end = Docs.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return Docs[start..(end < 0 ? Docs.Length : end)];
    }

    private static SortedSet<string> Read(string context) => new(
        WorkflowYaml.Files().SelectMany(f => Regex.Matches(File.ReadAllText(f), $@"\b{context}\.([A-Z][A-Z0-9_]+)").Select(m => m.Groups[1].Value))
            .Where(name => name != "GITHUB_TOKEN"),
        StringComparer.Ordinal);

    private static SortedSet<string> Documented(string firstColumn) => new(
        Section("Variables and secrets").Split('\n')
            .SkipWhile(l => !l.StartsWith($"| {firstColumn} |", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(l => l.StartsWith('|'))
            .Select(l => TableName().Match(l).Groups[1].Value),
        StringComparer.Ordinal);

    [Fact]
    public void The_documented_variables_are_exactly_the_ones_the_workflows_read()
    {
        var read = Read("vars");

        Assert.Contains("CONVEX_STACKS", read);
        Assert.Equal(read, Documented("Variable"));
    }

    [Fact]
    public void The_documented_secrets_are_exactly_the_ones_the_workflows_read()
    {
        var read = Read("secrets");

        Assert.Contains("PULUMI_CONFIG_PASSPHRASE", read);
        Assert.Equal(read, Documented("Secret"));
    }

    [Fact]
    public void The_drift_schedule_is_the_one_the_docs_state()
    {
        var schedule = (YamlSequenceNode)WorkflowYaml.Load("drift.yml").Map("on").Children[new YamlScalarNode("schedule")];
        var cron = ((YamlMappingNode)schedule.Children.Single()).Text("cron")!.Split(' ');
        var row = Docs.Split('\n').Single(l => l.StartsWith("| `drift.yml` |", StringComparison.Ordinal));

        Assert.Equal(["*", "*", "*"], cron[2..]);
        Assert.Contains($"| daily {int.Parse(cron[1], System.Globalization.CultureInfo.InvariantCulture):00}:{int.Parse(cron[0], System.Globalization.CultureInfo.InvariantCulture):00} UTC, manual |", row, StringComparison.Ordinal);
        Assert.Contains("a daily drift check", Docs, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_annotation_title_a_first_run_can_raise_has_a_troubleshooting_row()
    {
        var table = Section("Troubleshooting a first run");
        var scripts = Directory.GetFiles(Path.Combine(WorkflowYaml.Root, ".github", "scripts"), "*.sh").Concat(WorkflowYaml.Files());
        var titles = scripts.SelectMany(f => Title().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Select(t => Regex.Replace(Regex.Replace(t, @"\$\{?(stack|name)\}?", "<stack>"), @"\$\{?dir\}?", "<dir>"))
            .Where(t => t != "$1" && !t.StartsWith("drift on", StringComparison.Ordinal) && !t.StartsWith("drift check failed", StringComparison.Ordinal)
                && !t.StartsWith("no pull-request preview", StringComparison.Ordinal) && t != "deployed commit" && t != "deployed commit of <stack>"
                && t != "passphrase secrets on <stack>" && t != "first deploy of <stack>" && t != "DNS records of <stack>")
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(titles);
        Assert.All(titles, title => Assert.Contains($"`{title}`", table, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\| `([A-Z][A-Z0-9_]+)` \|")]
    private static partial Regex TableName();

    [GeneratedRegex(@"::(?:error|notice) title=([^:""]+)::")]
    private static partial Regex Title();
}
