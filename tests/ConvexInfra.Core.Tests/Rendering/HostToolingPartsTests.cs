using System.Text.Json;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>
/// The host tooling split over several SSM parameters, run under bash on the fake host: a fresh host installs every
/// part, a host still running the single-part convex-release (a committed copy of the script as it was before parts,
/// Fixtures/convex-release.single-part.sh) upgrades through part 1, and a part that does not match the release is
/// never installed.
/// </summary>
public class HostToolingPartsTests
{
    private static readonly string PostgresUrlValue =
        PostgresUrl.Build("convex", TestSpecs.FakeDbPassword, "acme.c9akciq32xyz.eu-west-1.rds.amazonaws.com", 5432);

    private static readonly string SinglePartScript =
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Rendering", "Fixtures", "convex-release.single-part.sh"));

    private static string InstalledId(FakeHost host) => host.ReadRooted("/var/lib/convex/tooling.sha256").Trim();

    private static void AssertEveryFileInstalled(FakeHost host, HostToolingBundle tooling)
    {
        foreach (var file in tooling.Files)
        {
            Assert.Equal(file.Content, host.ReadRooted(file.Path));
        }
    }

    [Fact]
    public void The_release_names_part_1_as_before_and_the_further_parts_with_their_sha256()
    {
        var spec = TestSpecs.Ec2Prod;
        var tooling = HostTooling.Render(spec);

        using var release = JsonDocument.Parse(HostRelease.Render(spec, TestSpecs.RequireAws(spec), tooling: tooling).Json);

        var host = release.RootElement.GetProperty("host");
        Assert.True(tooling.Parts.Count >= 2, "the tooling no longer needs parts; these tests would prove less");
        Assert.Equal(Core.Naming.ResourceNames.HostToolingParameter(spec), host.GetProperty("tooling").GetProperty("parameter").GetString());
        Assert.Equal(tooling.Parts[0].Sha256, host.GetProperty("tooling").GetProperty("sha256").GetString());
        Assert.Equal(
            tooling.Parts.Skip(1).Select(p => (p.Parameter, p.Sha256)),
            host.GetProperty("toolingParts").EnumerateArray().Select(p => (p.GetProperty("parameter").GetString()!, p.GetProperty("sha256").GetString()!)));
        Assert.Equal($"{Core.Naming.ResourceNames.HostToolingParameter(spec)}-2", tooling.Parts[1].Parameter);
        Assert.Equal(HostLayout.ReleaseScriptPath, tooling.Parts[0].Files[0].Path);
    }

    [Fact]
    public void A_fresh_host_installs_every_part_and_records_them_all()
    {
        var spec = TestSpecs.Ec2Prod;
        using var host = new FakeHost(spec, TestSpecs.RequireAws(spec), toolingInstalled: false);
        var bundle = host.Publish(spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        var tooling = HostTooling.Render(spec);

        var result = host.RunBootstrap();

        Assert.True(result.ExitCode == 0, result.Output);
        AssertEveryFileInstalled(host, tooling);
        Assert.Equal(tooling.InstalledId, InstalledId(host));
        Assert.Equal(bundle.Sha256, host.AppliedHash);
        Assert.Equal(HostStatus.Applied, host.Reports[^1].GetProperty("status").GetString());
    }

    [Fact]
    public void A_host_running_the_single_part_convex_release_installs_part_1_then_the_new_script_installs_the_rest()
    {
        var spec = TestSpecs.Ec2Prod;
        using var host = new FakeHost(spec, TestSpecs.RequireAws(spec));
        // What a host deployed before parts existed runs: the old script, and a single tooling sha256 recorded.
        Assert.DoesNotContain("toolingParts", SinglePartScript, StringComparison.Ordinal);
        host.Install(new RenderedFile(HostLayout.ReleaseScriptPath, SinglePartScript, "0755"));
        host.Install(new RenderedFile("/var/lib/convex/tooling.sha256", new string('0', 64) + "\n", "0644"));
        var tooling = HostTooling.Render(spec);
        var release = host.Publish(spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue);

        var result = host.RunRelease();

        Assert.True(result.ExitCode == 0, result.Output);
        // The old script's message (one sha256 and its parameter), then the new script's (every part).
        Assert.Contains($"installing host tooling {tooling.Parts[0].Sha256} from {tooling.Parts[0].Parameter}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"installing host tooling {tooling.InstalledId} ({tooling.Parts.Count} part(s))", result.Stderr, StringComparison.Ordinal);
        AssertEveryFileInstalled(host, tooling);
        Assert.Equal(tooling.InstalledId, InstalledId(host));
        Assert.Equal(release.Sha256, host.AppliedHash);
        Assert.Equal(HostStatus.Applied, host.Reports[^1].GetProperty("status").GetString());
    }

    [Fact]
    public void A_part_that_does_not_match_the_release_is_not_installed_and_the_next_run_retries()
    {
        var spec = TestSpecs.Ec2Prod;
        using var host = new FakeHost(spec, TestSpecs.RequireAws(spec));
        var original = HostTooling.Render(spec);
        var first = host.Publish(spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        Assert.Equal(0, host.RunRelease().ExitCode);
        var changed = HostTooling.Render(spec, HostTooling.Files(spec).Select(f => f with { Content = f.Content + "# v2\n" }).ToList());
        var release = host.Publish(spec with { ImageRevision = TestSpecs.OtherRevision }, TestSpecs.FakeInstanceSecret, PostgresUrlValue, changed);
        // SSM still serves the previous part 2 (or someone changed it): its sha256 is not the one the release names.
        host.SetParameter(changed.Parts[1].Parameter, original.Parts[1].ParameterValue);

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        var reason = host.Reports[^1].GetProperty("reason").GetString();
        Assert.Contains($"the host tooling in {changed.Parts[1].Parameter} does not match the release", reason, StringComparison.Ordinal);
        Assert.Equal(HostStatus.Failed, host.Reports[^1].GetProperty("status").GetString());
        // Nothing of the new tooling is installed, part 1 included, and the old tooling stays recorded.
        AssertEveryFileInstalled(host, original);
        Assert.Equal(original.InstalledId, InstalledId(host));
        Assert.Equal(first.Sha256, host.AppliedHash);

        host.SetParameter(changed.Parts[1].Parameter, changed.Parts[1].ParameterValue);
        var retry = host.RunRelease();

        Assert.True(retry.ExitCode == 0, retry.Output);
        AssertEveryFileInstalled(host, changed);
        Assert.Equal(changed.InstalledId, InstalledId(host));
        Assert.Equal(release.Sha256, host.AppliedHash);
    }

    [Fact]
    public void Packing_is_deterministic_and_a_file_too_large_for_any_part_is_named()
    {
        var spec = TestSpecs.Ec2Prod;
        Assert.Equal(HostTooling.Render(spec).InstalledId, HostTooling.Render(spec).InstalledId);

        // Random bytes do not compress: base64 of 8 KB of them is far past one part.
        var noise = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8192));
        var files = HostTooling.Files(spec).Append(new RenderedFile("/usr/local/sbin/convex-huge", noise, "0755")).ToList();

        var error = Assert.Throws<InvalidOperationException>(() => HostTooling.Render(spec, files));

        Assert.Contains("/usr/local/sbin/convex-huge", error.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {HostTooling.PartMaxBytes}", error.Message, StringComparison.Ordinal);
    }
}
