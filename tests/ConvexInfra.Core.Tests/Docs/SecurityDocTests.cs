using System.Globalization;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Spec;

namespace ConvexInfra.Core.Tests.Docs;

/// <summary>
/// docs/security.md names facts the code owns: every SecureString the program writes is a row of its secrets table
/// (and no row names a parameter the program does not write), the parameters whose writer controls the host are
/// listed as full control, the rotation counters exist, and the exposure table's limits are the rendered ones.
/// </summary>
public sealed partial class SecurityDocTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(RepoRootFinder.Find(), "docs", "security.md"));

    /// <summary>The doc writes parameter names with the placeholders the table explains.</summary>
    private static readonly DeploymentSpec Placeholders = TestSpecs.Ec2Prod with { ProjectName = "<p>", StackName = "<s>" };

    [Fact]
    public void The_secrets_table_lists_every_secure_string_the_program_writes_and_nothing_else()
    {
        var table = Section("## Secrets");
        var listed = ParameterName().Matches(table).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal).ToList();
        // Every target's: the three of every AWS stack, and the database credentials that only ECS writes apart.
        var written = ResourceNames.SecretParameters(Placeholders).All
            .Append(ResourceNames.DatabaseCredentialsParameter(Placeholders with { Target = DeploymentTarget.AwsEcs }))
            .Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["/<p>/<s>/admin-key", "/<p>/<s>/db-credentials", "/<p>/<s>/instance-secret", "/<p>/<s>/postgres-url"], written);
        Assert.Equal(written, listed);
        // Each has a row of its own: the name is in the row's first cell.
        Assert.All(written, name => Assert.Matches($@"(?m)^\| [^|]*SSM `{Regex.Escape(name)}`", table));
    }

    [Fact]
    public void Every_rotation_counter_the_doc_names_is_a_setting()
    {
        var counters = VersionKey().Matches(Section("## Secrets")).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.Contains(SettingKeys.InstanceSecretVersion.Name, counters);
        Assert.Contains(SettingKeys.AdminKeyVersion.Name, counters);
        Assert.Contains(SettingKeys.ConvexAuthKeyVersion.Name, counters);
        Assert.All(counters, name => Assert.NotNull(SettingKeys.Find($"{SettingKeys.Namespace}:{name}")));
    }

    [Fact]
    public void The_parameters_whose_writer_controls_the_host_are_listed_as_full_control()
    {
        var section = Section("## What is equivalent to full control");

        Assert.Contains($"`{ResourceNames.ReleaseParameter(Placeholders)}`", section, StringComparison.Ordinal);
        Assert.Contains($"`{ResourceNames.HostToolingParameter(Placeholders)}`", section, StringComparison.Ordinal);
        Assert.Contains($"`{ResourceNames.HostStatusParameter(Placeholders)}`", section, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exposure_table_names_the_rendered_limits_and_policies()
    {
        var table = Section("## Network exposure");
        var body = int.Parse(Caddyfile.MaxRequestBody.TrimEnd('B', 'M'), CultureInfo.InvariantCulture);

        Assert.Contains($"request body {body} MB", table, StringComparison.Ordinal);
        Assert.Contains($"proxy timeouts {Caddyfile.ProxyTimeoutSeconds(BackendKnobValues.Upstream.HttpServerTimeoutSeconds)} s", table, StringComparison.Ordinal);
        Assert.Contains($"`{EcsDeploymentSettings.TlsPolicy}`", table, StringComparison.Ordinal);
        Assert.Contains($"{HostLayout.BackendPort}/{EcsContainers.SitePort} backend, {HostLayout.DashboardPort} dashboard", table, StringComparison.Ordinal);
    }

    private static string Section(string heading)
    {
        var start = Doc.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/security.md has no '{heading}' section");
        var end = Doc.IndexOf("\n## ", start + heading.Length + 1, StringComparison.Ordinal);
        return end < 0 ? Doc[start..] : Doc[start..end];
    }

    [GeneratedRegex(@"/<p>/<s>/[a-z0-9-]+(?=`)")]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"`([a-zA-Z]+Version)`")]
    private static partial Regex VersionKey();
}
