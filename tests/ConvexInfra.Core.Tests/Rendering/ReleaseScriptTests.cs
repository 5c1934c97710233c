using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>Runs the real rendered convex-release against fake AWS/Docker tools in a temp root.</summary>
public class ReleaseScriptTests
{
    private static readonly string PostgresUrlValue =
        PostgresUrl.Build("convex", TestSpecs.FakeDbPassword, "acme.c9akciq32xyz.eu-west-1.rds.amazonaws.com", 5432);

    private static FakeHost NewHost(out HostReleaseBundle bundle)
    {
        var spec = TestSpecs.Ec2Prod;
        var host = new FakeHost(spec, TestSpecs.RequireAws(spec));
        bundle = host.Publish(spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        return host;
    }

    [Fact]
    public void First_run_installs_the_release_and_records_its_hash()
    {
        using var host = NewHost(out var bundle);

        var result = host.RunRelease();

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(bundle.Sha256, host.AppliedHash);
        foreach (var file in HostRelease.Files(host.Spec, host.Aws))
        {
            Assert.Equal(file.Content, host.ReadConfig(file.Path));
            Assert.Equal((UnixFileMode)Convert.ToInt32(file.Permissions, 8), host.ModeOf(file.Path));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, host.ModeOf("backend.secrets.env"));
        Assert.Equal(
            $"INSTANCE_SECRET={TestSpecs.FakeInstanceSecret}\nPOSTGRES_URL={PostgresUrlValue}\n",
            host.ReadConfig("backend.secrets.env"));
        Assert.Contains("BEGIN CERTIFICATE", host.ReadConfig("certs/rds-global-bundle.pem"), StringComparison.Ordinal);
    }

    [Fact]
    public void First_run_validates_and_pulls_before_it_replaces_the_containers()
    {
        using var host = NewHost(out _);

        Assert.Equal(0, host.RunRelease().ExitCode);

        var calls = host.Calls.ToList();
        string Step(string verb) => calls.First(c => c.StartsWith("docker-compose ", StringComparison.Ordinal)
            && (c.Contains($" {verb} ", StringComparison.Ordinal) || c.EndsWith($" {verb}", StringComparison.Ordinal)));
        // Validate, pull each image (none is on the host yet), validate Caddy, then stop/start the backend, then the rest.
        var pulls = HostImages.For(host.Spec).Select(image => calls.IndexOf($"docker pull -q {image}")).ToList();
        Assert.DoesNotContain(-1, pulls);
        var order = new[] { calls.IndexOf(Step("config")), pulls.Max(), calls.IndexOf(Step("run")), calls.IndexOf(Step("stop")), calls.IndexOf(Step("up")), calls.IndexOf(Step("exec")) };
        Assert.Equal(order.Order().ToList(), order);
        Assert.Contains("-p convex", Step("up"), StringComparison.Ordinal);
        Assert.EndsWith("stop backend", Step("stop"), StringComparison.Ordinal);
        Assert.EndsWith("up -d --no-deps backend", Step("up"), StringComparison.Ordinal);
        Assert.Contains(calls, c => c.EndsWith("up -d --remove-orphans", StringComparison.Ordinal));
        Assert.Contains("caddy validate", Step("run"), StringComparison.Ordinal);
        Assert.Contains("caddy reload", Step("exec"), StringComparison.Ordinal);
        // Exactly the version the release names (SSM's name:version selector), never whatever is newest.
        Assert.Contains(host.Calls, c => c.Contains($"--name {host.Aws.Parameters.InstanceSecret}{SsmFacts.VersionSelector}1 --with-decryption", StringComparison.Ordinal));
        Assert.Contains(host.Calls, c => c.StartsWith("docker image prune", StringComparison.Ordinal));
    }

    [Fact]
    public void Secrets_never_reach_logs_arguments_or_leftover_files()
    {
        using var host = NewHost(out _);

        var result = host.RunRelease();

        Assert.Equal(0, result.ExitCode);
        foreach (var secret in new[] { TestSpecs.FakeInstanceSecret, PostgresUrlValue, Uri.EscapeDataString(TestSpecs.FakeDbPassword) })
        {
            Assert.DoesNotContain(secret, result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, File.ReadAllText(host.CallsLog), StringComparison.Ordinal);
        }

        var holders = host.AllFilesBelowRoot().Where(f => File.ReadAllText(f).Contains(TestSpecs.FakeInstanceSecret, StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .Where(n => n is not null && !n.StartsWith("_", StringComparison.Ordinal)); // params/_* are the fake SSM store itself
        Assert.Equal(["backend.secrets.env"], holders);
    }

    [Fact]
    public void Unchanged_release_is_a_no_op()
    {
        using var host = NewHost(out _);
        Assert.Equal(0, host.RunRelease().ExitCode);
        var callsAfterFirst = host.Calls.Count;

        var result = host.RunRelease();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([$"aws ssm get-parameter --region eu-west-1 --name {ResourceNames.ReleaseParameter(host.Spec)} --query Parameter.Value --output text"],
            host.Calls.Skip(callsAfterFirst));
        Assert.Equal(string.Empty, result.Output);
    }

    [Fact]
    public void Changed_release_is_applied_again()
    {
        using var host = NewHost(out var first);
        Assert.Equal(0, host.RunRelease().ExitCode);

        var second = host.Publish(host.Spec with { ImageRevision = TestSpecs.OtherRevision }, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        var callsBefore = host.Calls.Count;
        var result = host.RunRelease();

        Assert.Equal(0, result.ExitCode);
        Assert.NotEqual(first.Sha256, second.Sha256);
        Assert.Equal(second.Sha256, host.AppliedHash);
        Assert.Contains($"convex-backend:{TestSpecs.OtherRevision}", host.ReadConfig("docker-compose.yml"), StringComparison.Ordinal);
        Assert.Contains(host.Calls.Skip(callsBefore), c => c.Contains("up -d --remove-orphans", StringComparison.Ordinal));
        Assert.Contains(second.Sha256, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pull")]
    [InlineData("run")]
    public void Failure_before_the_switch_keeps_the_old_release_and_its_hash(string failingStep)
    {
        using var host = NewHost(out var first);
        Assert.Equal(0, host.RunRelease().ExitCode);
        var oldCompose = host.ReadConfig("docker-compose.yml");
        host.Publish(host.Spec with { ImageRevision = TestSpecs.OtherRevision }, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        host.FailOn(failingStep);
        var callsBefore = host.Calls.Count;

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("the running release was not touched", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(first.Sha256, host.AppliedHash);
        Assert.Equal(oldCompose, host.ReadConfig("docker-compose.yml"));
        Assert.DoesNotContain(host.Calls.Skip(callsBefore), c => c.Contains(" up ", StringComparison.Ordinal));
        Assert.Empty(Directory.GetDirectories(Path.Combine(host.Root, "var/lib/convex"), "stage.*"));

        host.ClearFailures();
        Assert.Equal(0, host.RunRelease().ExitCode);
        Assert.NotEqual(first.Sha256, host.AppliedHash);
    }

    [Fact]
    public void Failed_up_is_retried_because_the_hash_is_not_recorded()
    {
        using var host = NewHost(out var bundle);
        host.FailOn("up");

        var failed = host.RunRelease();

        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("the next run retries", failed.Stderr, StringComparison.Ordinal);
        Assert.Null(host.AppliedHash);
        host.ClearFailures();
        Assert.Equal(0, host.RunRelease().ExitCode);
        Assert.Equal(bundle.Sha256, host.AppliedHash);
    }

    [Fact]
    public void Missing_secret_parameter_aborts_without_touching_anything()
    {
        using var host = NewHost(out _);
        host.RemoveParameter(host.Aws.Parameters.PostgresUrl);

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(host.Aws.Parameters.PostgresUrl, result.Stderr, StringComparison.Ordinal);
        Assert.Null(host.AppliedHash);
        Assert.False(File.Exists(Path.Combine(host.ConfigDir, "docker-compose.yml")));
        Assert.DoesNotContain(host.Calls, c => c.StartsWith("docker-compose", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData(".ssh/authorized_keys")]
    public void Release_cannot_write_outside_the_config_directory(string path)
    {
        using var host = NewHost(out var bundle);
        host.SetParameter(ResourceNames.ReleaseParameter(host.Spec), bundle.Json.Replace("\"path\":\"backend.env\"", $"\"path\":\"{path}\"", StringComparison.Ordinal));

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("refusing file path", result.Stderr, StringComparison.Ordinal);
        Assert.Null(host.AppliedHash);
    }

    [Fact]
    public void Secret_with_a_line_break_is_refused()
    {
        using var host = NewHost(out _);
        host.Publish(host.Spec, "abc\nDO_NOT_REQUIRE_SSL=true", PostgresUrlValue);

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spans several lines", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("DO_NOT_REQUIRE_SSL", result.Output, StringComparison.Ordinal);
    }
}
