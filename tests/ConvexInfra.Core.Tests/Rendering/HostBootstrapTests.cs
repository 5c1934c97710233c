using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Tests.Rendering;

public class HostBootstrapTests
{
    private const string Region = "eu-west-1";

    [Theory]
    [MemberData(nameof(TestSpecs.Ec2Names), MemberType = typeof(TestSpecs))]
    public void Cloud_init_accepts_the_user_data(string stack)
    {
        using var dir = new TempDir();
        var file = dir.Write("user-data.yaml", HostBootstrap.UserData(TestSpecs.Named(stack), Region));

        var result = ExternalTool.Check("cloud-init", "schema", "--config-file", file);
        Assert.Contains("Valid cloud-config", result.Output, StringComparison.Ordinal);
        // '#cloud-config' must be the first line, so yamllint's document-start rule cannot apply.
        ExternalTool.Check("yamllint", "--strict", "-d",
            "{extends: default, rules: {line-length: {max: 160}, document-start: disable, comments: {require-starting-space: false}}}", file);
    }

    [Fact]
    public void Cloud_init_really_checks_the_schema()
    {
        using var dir = new TempDir();
        var broken = HostBootstrap.UserData(TestSpecs.Ec2Dev, Region).Replace("runcmd:\n", "runcmd: 5\nunused:\n", StringComparison.Ordinal);
        var file = dir.Write("user-data.yaml", broken);

        var result = ExternalTool.Run("cloud-init", ["schema", "--config-file", file]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("runcmd", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void User_data_writes_exactly_the_rendered_files_and_runs_the_bootstrap()
    {
        var files = HostBootstrap.Files(TestSpecs.Ec2Dev, Region);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(HostBootstrap.UserData(TestSpecs.Ec2Dev, Region)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;

        var written = ((YamlSequenceNode)root[new YamlScalarNode("write_files")]).Children.Cast<YamlMappingNode>()
            .Select(f => new RenderedFile(Value(f, "path"), Value(f, "content"), Value(f, "permissions")))
            .ToList();
        Assert.Equal(files, written);
        var runcmd = ((YamlSequenceNode)root[new YamlScalarNode("runcmd")]).Children
            .Select(c => string.Join(' ', ((YamlSequenceNode)c).Children.Select(a => ((YamlScalarNode)a).Value))).ToList();
        Assert.Equal(["systemctl daemon-reload", $"systemctl enable --now --no-block {SystemdUnits.BootstrapServiceName}"], runcmd);
        Assert.Equal("0755", files.Single(f => f.Path == HostLayout.BootstrapScriptPath).Permissions);
        Assert.Equal(
            [HostLayout.HostEnvPath, HostLayout.BootstrapScriptPath, $"{HostLayout.SystemdDir}/{SystemdUnits.BootstrapServiceName}"],
            files.Select(f => f.Path));
    }

    [Fact]
    public void User_data_does_not_change_when_the_release_changes()
    {
        var spec = TestSpecs.Ec2Dev;
        var changed = spec with
        {
            ImageRevision = TestSpecs.OtherRevision,
            Backend = spec.Backend with { RustLog = "debug", DisableBeacon = true },
            Rotation = new(7, 7),
            Endpoints = TestSpecs.Ec2Prod.Endpoints,
            Network = TestSpecs.Ec2Prod.Network,
            Compute = TestSpecs.Ec2Prod.Compute,
        };

        Assert.Equal(HostBootstrap.UserData(spec, Region), HostBootstrap.UserData(changed, Region));
        Assert.DoesNotContain(TestSpecs.Revision, HostBootstrap.UserData(spec, Region), StringComparison.Ordinal);
        Assert.NotEqual(HostBootstrap.UserData(spec, Region), HostBootstrap.UserData(spec, "us-east-1"));
    }

    [Fact]
    public void User_data_is_identical_when_a_host_script_changes_but_the_release_is_not()
    {
        var spec = TestSpecs.Ec2Prod;
        var aws = TestSpecs.RequireAws(spec);
        var tooling = HostTooling.Files(spec);
        var changed = tooling.Select(f => f.Path == HostLayout.ReleaseScriptPath ? f with { Content = f.Content + "# a fix\n" } : f).ToList();

        var before = HostRelease.Render(spec, aws, tooling: HostTooling.Render(spec, tooling));
        var after = HostRelease.Render(spec, aws, tooling: HostTooling.Render(spec, changed));

        Assert.NotEqual(before.Sha256, after.Sha256);
        Assert.Equal(HostBootstrap.UserData(spec, Region), HostBootstrap.UserData(spec, Region));
        Assert.DoesNotContain("# convex-release:", HostBootstrap.UserData(spec, Region), StringComparison.Ordinal);
        Assert.DoesNotContain("docker-compose", HostBootstrap.UserData(spec, Region), StringComparison.Ordinal);
        Assert.DoesNotContain("dnf-automatic", HostBootstrap.UserData(spec, Region), StringComparison.Ordinal);
    }

    [Fact]
    public void User_data_stays_below_the_ec2_limit()
    {
        Assert.True(HostBootstrap.UserData(TestSpecs.Ec2Prod, Region).Length < 16 * 1024);
    }

    [Fact]
    public void Host_env_names_the_region_and_the_release_parameter()
    {
        var hostEnv = HostBootstrap.Files(TestSpecs.Ec2Prod, Region).Single(f => f.Path == "/etc/convex/host.env").Content;

        Assert.Contains("CONVEX_REGION=eu-west-1\n", hostEnv, StringComparison.Ordinal);
        Assert.Contains("CONVEX_RELEASE_PARAMETER=/convex-infra/prod/release\n", hostEnv, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eu-west-1; rm -rf /")]
    [InlineData("")]
    public void Rejects_a_region_that_is_not_one(string region)
    {
        var error = Assert.Throws<ArgumentException>(() => HostBootstrap.UserData(TestSpecs.Ec2Dev, region));
        Assert.Contains("aws:region", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HostLayout.ReleaseScriptPath)]
    [InlineData(HostLayout.BootstrapScriptPath)]
    [InlineData(HostLayout.HostSetupScriptPath)]
    [InlineData(HostLayout.ContainerFirewallScriptPath)]
    public void Shellcheck_passes_every_script(string path)
    {
        using var dir = new TempDir();
        var all = HostBootstrap.Files(TestSpecs.Ec2Dev, Region).Concat(HostTooling.Files(TestSpecs.Ec2Dev));
        var file = dir.Write("script.sh", all.Single(f => f.Path == path).Content);

        ExternalTool.Check("shellcheck", "-s", "bash", "-o", "all", "-e", "SC2250,SC2310,SC2312", file);
    }

    [Fact]
    public void Bootstrap_pins_compose_and_verifies_its_checksum()
    {
        var script = HostSetupScript.Text;
        Assert.Contains($"compose_version={HostLayout.ComposeVersion}", script, StringComparison.Ordinal);
        Assert.Contains("sha256sum", script, StringComparison.Ordinal);
        Assert.StartsWith("#!/usr/bin/env bash\n", script, StringComparison.Ordinal);
        Assert.Contains("set -euo pipefail", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Systemd_accepts_the_units()
    {
        using var root = new TempDir();
        foreach (var file in HostBootstrap.Files(TestSpecs.Ec2Dev, Region).Concat(HostTooling.Files(TestSpecs.Ec2Dev)))
        {
            root.Write(file.Path.TrimStart('/'), file.Content, Convert.ToInt32(file.Permissions, 8) is var mode ? (UnixFileMode)mode : null);
        }

        // The root needs the units the service refers to: the system's own, plus docker.service from the AMI's package.
        var systemUnits = "/usr/lib/systemd/system";
        Assert.True(Directory.Exists(systemUnits), "systemd unit directory missing: install systemd (scripts/install-test-tools.sh)");
        foreach (var unit in Directory.GetFiles(systemUnits))
        {
            File.Copy(unit, Path.Combine(Directory.CreateDirectory(Path.Combine(root.Path, "usr/lib/systemd/system")).FullName, Path.GetFileName(unit)));
        }

        root.Write("etc/systemd/system/docker.service", "[Unit]\nDescription=stand-in for the docker package's unit\n[Service]\nExecStart=/bin/true\n");
        var units = SystemdUnits.Render(TestSpecs.Ec2Dev).Append(SystemdUnits.Bootstrap()).Append(ContainerFirewall.Unit())
            .Select(u => u.Path.TrimStart('/')).ToArray();

        var result = ExternalTool.Run("systemd-analyze", ["--root=" + root.Path, "verify", .. units], workingDirectory: root.Path);

        Assert.True(result.ExitCode == 0 && result.Stderr.Length == 0, $"systemd-analyze verify:\n{result.Output}");
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void The_patch_window_is_a_calendar_systemd_accepts(string stack)
    {
        var spec = TestSpecs.Named(stack);
        var dropIn = SystemdUnits.Patching(spec).Single(f => f.Path.EndsWith(SystemdUnits.PatchTimerDropIn, StringComparison.Ordinal)).Content;

        Assert.Contains($"OnCalendar=\nOnCalendar={spec.Rollout.PatchWindow.OnCalendar}\n", dropIn, StringComparison.Ordinal);
        var result = ExternalTool.Check("systemd-analyze", "calendar", spec.Rollout.PatchWindow.OnCalendar);
        Assert.Contains("Next elapse", result.Output, StringComparison.Ordinal);
        var config = SystemdUnits.Patching(spec).Single(f => f.Path == "/etc/dnf/automatic.conf").Content;
        Assert.Contains("upgrade_type = security\n", config, StringComparison.Ordinal);
        Assert.Contains("apply_updates = yes\n", config, StringComparison.Ordinal);
    }

    private static string Value(YamlMappingNode node, string key) => ((YamlScalarNode)node[new YamlScalarNode(key)]).Value!;
}
