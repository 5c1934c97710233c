using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// Runs .github/scripts/drift-check.sh (what drift.yml runs) against a stand-in pulumi that prints the JSON
/// `pulumi refresh --preview-only --json` prints: unchanged resources come back as "same" or "refresh" steps,
/// drifted ones as "update" (with diffReasons) or "delete".
/// </summary>
[Trait("Category", "Tools")]
public sealed class DriftCheckScriptTests : IDisposable
{
    private const string NoDrift = """
        {"steps": [
          {"op": "same", "urn": "urn:pulumi:prod::convex-infra::pulumi:pulumi:Stack::convex-infra-prod"},
          {"op": "refresh", "urn": "urn:pulumi:prod::convex-infra::aws:ec2/vpc:Vpc::prod-acme-prod-vpc"},
          {"op": "refresh", "urn": "urn:pulumi:prod::convex-infra::aws:rds/instance:Instance::prod-acme-prod-postgres"}
        ], "changeSummary": {"same": 3}}
        """;

    private const string Drifted = """
        {"steps": [
          {"op": "refresh", "urn": "urn:pulumi:prod::convex-infra::aws:ec2/vpc:Vpc::prod-acme-prod-vpc"},
          {"op": "update", "urn": "urn:pulumi:prod::convex-infra::aws:ec2/securityGroup:SecurityGroup::prod-acme-prod-host",
           "diffReasons": ["ingress", "tags"], "oldState": {}, "newState": {}},
          {"op": "delete", "urn": "urn:pulumi:prod::convex-infra::aws:route53/record:Record::prod-acme-prod-api"}
        ], "changeSummary": {"same": 1, "update": 1, "delete": 1}}
        """;

    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void No_drift_passes_and_says_how_many_resources_were_checked()
    {
        var (result, summary) = Run(NoDrift, pulumiExit: 0, "prod");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("no drift: 3 resources of stack prod match the state", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("::error", result.Output, StringComparison.Ordinal);
        Assert.Contains("No drift on `prod` (3 resources checked)", summary, StringComparison.Ordinal);
        Assert.Empty(GithubOutput);
    }

    [Fact]
    public void Drift_fails_with_one_annotation_per_resource_and_a_summary_table()
    {
        var (result, summary) = Run(Drifted, pulumiExit: 0, "acme/prod");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "::error title=drift on acme/prod::urn:pulumi:prod::convex-infra::aws:ec2/securityGroup:SecurityGroup::prod-acme-prod-host changed outside Pulumi: ingress,tags",
            result.Stdout,
            StringComparison.Ordinal);
        Assert.Contains(
            "::error title=drift on acme/prod::urn:pulumi:prod::convex-infra::aws:route53/record:Record::prod-acme-prod-api deleted outside Pulumi",
            result.Stdout,
            StringComparison.Ordinal);
        Assert.DoesNotContain("Vpc::prod-acme-prod-vpc", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("drift: 2 of 3 resources of stack acme/prod differ from the state", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("| update | `urn:pulumi:prod::convex-infra::aws:ec2/securityGroup:SecurityGroup::prod-acme-prod-host` | ingress,tags |", summary, StringComparison.Ordinal);
        Assert.Contains("| delete | `urn:pulumi:prod::convex-infra::aws:route53/record:Record::prod-acme-prod-api` | - |", summary, StringComparison.Ordinal);
        Assert.Equal("drift=true\n", GithubOutput);
    }

    [Fact]
    public void The_refresh_is_a_preview_of_the_named_stack_and_never_applies()
    {
        var (_, _) = Run(NoDrift, pulumiExit: 0, "staging");

        var arguments = File.ReadAllText(Path.Combine(dir.Path, "pulumi-args"));
        Assert.Equal("refresh --preview-only --json --non-interactive --stack staging", arguments.Trim());
    }

    [Fact]
    public void A_pulumi_failure_without_a_report_is_an_error_not_a_clean_bill()
    {
        var (result, _) = Run("error: failed to decrypt the stack's secrets", pulumiExit: 255, "prod");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("::error title=drift check failed on prod::pulumi refresh --preview-only exited 255", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(GithubOutput);
    }

    [Fact]
    public void A_pulumi_failure_with_a_clean_report_still_fails_and_prints_the_errors()
    {
        const string report = """{"steps": [], "diagnostics": [{"severity": "error", "message": "AccessDenied: rds:DescribeDBInstances"}]}""";

        var (result, _) = Run(report, pulumiExit: 255, "prod");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("AccessDenied: rds:DescribeDBInstances", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_stack_argument_is_a_usage_error_with_an_example()
    {
        var result = ExternalTool.Run("bash", [Script]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: drift-check.sh STACK (for example: drift-check.sh prod", result.Stderr, StringComparison.Ordinal);
    }

    private static string Script => Path.Combine(WorkflowYaml.Root, ".github", "scripts", "drift-check.sh");

    private string GithubOutput => File.ReadAllText(Path.Combine(dir.Path, "github-output"));

    private (ToolResult Result, string Summary) Run(string pulumiStdout, int pulumiExit, string stack)
    {
        var output = dir.Write("pulumi-output", pulumiStdout);
        var fake = dir.Write(
            "pulumi",
            $"#!/bin/sh\nprintf '%s\\n' \"$*\" > '{dir.Path}/pulumi-args'\ncat '{output}'\nexit {pulumiExit}\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var summary = Path.Combine(dir.Path, "summary.md");
        File.WriteAllText(summary, string.Empty);
        File.WriteAllText(Path.Combine(dir.Path, "github-output"), string.Empty);

        var result = ExternalTool.Run("bash", [Script, stack], environment: new Dictionary<string, string>
        {
            ["PULUMI"] = fake,
            ["GITHUB_STEP_SUMMARY"] = summary,
            ["GITHUB_OUTPUT"] = Path.Combine(dir.Path, "github-output"),
        });
        return (result, File.ReadAllText(summary));
    }
}
