using ConvexInfra.Cli.Tests.Servers;

namespace ConvexInfra.Cli.Tests;

/// <summary><c>convex-infra releases</c> against a loopback server that answers like GitHub's tags API.</summary>
public sealed class ReleasesCommandTests : IAsyncLifetime
{
    private const string Pin = "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf";
    private const string Old = "4d3b0a5de955a258e70e3813bbff486051d88820";
    private const string Newest = "bbbbbbb2222222222222222222222222222222bb";
    private const string Newer = "aaaaaaa1111111111111111111111111111111aa";

    private readonly string scratch = Directory.CreateTempSubdirectory("convex-infra-releases-").FullName;
    private FakeGitHub github = null!;

    private static readonly List<(string, string)> Tags =
    [
        // GitHub does not order them by date; the noise fills more than one page of 100.
        ("precompiled-2026-08-22-652b828", Pin),
        .. Enumerable.Range(0, 150).Select(i => ($"npm/1.{i}.0", $"{i:x4}" + new string('e', 36))),
        ("precompiled-2025-09-12-4d3b0a5", Old),
        ("precompiled-2026-10-01-bbbbbbb", Newest),
        ("testing-precompiled-2026-11-02-ccccccc", "ccccccc" + new string('c', 33)),
        ("precompiled-2026-11-03-ddddddd", "eeeeeee" + new string('e', 33)), // name and commit disagree: not a release
        ("precompiled-2026-09-10-aaaaaaa", Newer),
    ];

    private string StackFile => Path.Combine(scratch, "Pulumi.dev.yaml");

    public async Task InitializeAsync()
    {
        github = await FakeGitHub.StartAsync(Tags);
        await File.WriteAllTextAsync(Path.Combine(scratch, "Pulumi.yaml"), "name: convex-infra\nruntime: dotnet\n");
        await File.WriteAllTextAsync(StackFile, StackText(Pin));
    }

    public async Task DisposeAsync()
    {
        await github.DisposeAsync();
        Directory.Delete(scratch, recursive: true);
    }

    // Comments, quoting and CRLF endings the rewrite must keep byte for byte.
    private static string StackText(string revision, string extra = "") =>
        "# Dev stack: comments stay.\r\nconfig:\r\n  aws:region: eu-west-1   # trailing comment\r\n  convex-infra:target: aws-ec2\r\n" +
        "  convex-infra:instanceName: \"acme-dev\"\r\n  # Promote the same revision dev -> staging -> prod.\r\n" +
        $"  convex-infra:imageRevision: '{revision}'  # pinned\r\n  convex-infra:domain: dev.convex.example.com\r\n" +
        "  convex-infra:acmeEmail: ops@example.com\r\n" + extra;

    private Task<CliRunner.Result> Run(string[] args, Dictionary<string, string>? env = null) =>
        CliRunner.RunAsync(["releases", "--stack", "dev", "--root", scratch, .. args], environment: env ?? new() { ["CONVEX_INFRA_GITHUB_API_URL"] = github.Url });

    [Fact]
    public async Task Lists_newer_releases_newest_first_with_dates_and_compare_links_across_pages()
    {
        var result = await Run([]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"Stack dev pins {Pin} (precompiled-2026-08-22-652b828, 2026-08-22).", result.Out);
        Assert.Contains("2 newer release(s), newest first:", result.Out);
        var newest = result.Out.IndexOf("2026-10-01  precompiled-2026-10-01-bbbbbbb", StringComparison.Ordinal);
        var newer = result.Out.IndexOf("2026-09-10  precompiled-2026-09-10-aaaaaaa", StringComparison.Ordinal);
        Assert.True(newest > 0 && newer > newest, result.Out);
        Assert.Contains($"https://github.com/get-convex/convex-backend/compare/{Pin}...{Newest}", result.Out);
        Assert.Contains("1 release(s) are older than the pin (list them with --all).", result.Out);
        Assert.DoesNotContain("4d3b0a5", result.Out);
        Assert.DoesNotContain("ddddddd", result.Out);
        Assert.DoesNotContain("testing-precompiled", result.Out);
        Assert.Contains("--set precompiled-2026-10-01-bbbbbbb", result.Out);

        // Two pages, the second by GitHub's Link header (the repository-id URL), no token without GITHUB_TOKEN.
        Assert.Equal(["/repos/get-convex/convex-backend/tags?per_page=100", "/repositories/1234/tags?per_page=100&page=2"], github.Requests.Select(r => r.PathAndQuery));
        Assert.All(github.Requests, r => Assert.Null(r.Authorization));
        Assert.All(github.Requests, r => Assert.StartsWith("convex-infra/", r.UserAgent, StringComparison.Ordinal));
        Assert.All(github.Requests, r => Assert.Equal("application/vnd.github+json", r.Accept));
    }

    [Fact]
    public async Task All_marks_the_releases_older_than_the_pin()
    {
        var result = await Run(["--all", "--api-url", github.Url], env: []);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("1 older release(s):", result.Out);
        Assert.Contains($"2025-09-12  precompiled-2025-09-12-4d3b0a5   {Old}  older", result.Out);
    }

    [Fact]
    public async Task Sends_GITHUB_TOKEN_as_a_bearer_token_and_never_prints_it()
    {
        const string Token = "ghp_TESTTOKEN0123456789abcdefghijklmnopqrs";
        var ok = await Run([], new() { ["CONVEX_INFRA_GITHUB_API_URL"] = github.Url, ["GITHUB_TOKEN"] = Token });
        github.RateLimited = true;
        var limited = await Run([], new() { ["CONVEX_INFRA_GITHUB_API_URL"] = github.Url, ["GITHUB_TOKEN"] = Token });

        Assert.Equal(0, ok.ExitCode);
        Assert.All(github.Requests, r => Assert.Equal($"Bearer {Token}", r.Authorization));
        Assert.Equal(1, limited.ExitCode);
        Assert.Contains("rate limit for the token in GITHUB_TOKEN is used up", limited.Error);
        foreach (var text in new[] { ok.Out, ok.Error, limited.Out, limited.Error })
        {
            Assert.DoesNotContain(Token, text);
            Assert.DoesNotContain("TESTTOKEN", text);
        }
    }

    [Fact]
    public async Task A_used_up_rate_limit_says_when_it_resets_and_how_to_raise_it()
    {
        github.RateLimited = true;

        var result = await Run([]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("convex-infra releases: GitHub's API rate limit for this address is used up (60 requests an hour without a token); it resets at 2026-12-06 19:30 UTC.", result.Error);
        Assert.Contains("Set GITHUB_TOKEN", result.Error);
        Assert.Single(github.Requests);
    }

    [Theory]
    [InlineData(404, "has no repository get-convex/convex-backend (404: Not Found); check --api-url / CONVEX_INFRA_GITHUB_API_URL")]
    [InlineData(500, "answered 500 Internal Server Error: Server Error; try again later")]
    [InlineData(403, "refused the request (403: Server Error)")]
    public async Task Errors_of_the_API_are_named_with_their_status(int status, string expected)
    {
        github.FailWith = status;

        var result = await Run([]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.Equal(StackText(Pin), await File.ReadAllTextAsync(StackFile));
    }

    [Fact]
    public async Task A_bad_api_url_is_a_usage_error_naming_its_source()
    {
        var result = await Run([], new() { ["CONVEX_INFRA_GITHUB_API_URL"] = "ftp://example.com" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("CONVEX_INFRA_GITHUB_API_URL: got 'ftp://example.com'", result.Error);
    }

    [Theory]
    [InlineData("precompiled-2026-10-01-bbbbbbb")]
    [InlineData(Newest)]
    public async Task Set_rewrites_only_the_revision_value_of_the_stack_file(string wanted)
    {
        var result = await Run(["--set", wanted]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(StackText(Pin).Replace(Pin, Newest, StringComparison.Ordinal), await File.ReadAllTextAsync(StackFile));
        Assert.Contains($"imageRevision {Pin} → {Newest} (precompiled-2026-10-01-bbbbbbb, 2026-10-01)", result.Out);
        Assert.Contains($"compare/{Pin}...{Newest}", result.Out);
        Assert.Contains($"--running-revision {Pin}", result.Out);
    }

    [Fact]
    public async Task Set_refuses_a_release_older_than_the_pin_unless_downgrades_are_allowed()
    {
        var refused = await Run(["--set", "precompiled-2025-09-12-4d3b0a5"]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("is older than the pin precompiled-2026-08-22-652b828", refused.Error);
        Assert.Contains("convex-infra:allowRevisionDowngrade", refused.Error);
        Assert.Equal(StackText(Pin), await File.ReadAllTextAsync(StackFile));

        await File.WriteAllTextAsync(StackFile, StackText(Pin, "  convex-infra:allowRevisionDowngrade: true\r\n"));
        var allowed = await Run(["--set", "precompiled-2025-09-12-4d3b0a5"]);
        Assert.True(allowed.ExitCode == 0, allowed.Error);
        Assert.Equal(StackText(Old, "  convex-infra:allowRevisionDowngrade: true\r\n"), await File.ReadAllTextAsync(StackFile));
    }

    [Theory]
    [InlineData("precompiled-2026-11-03-ddddddd")]
    [InlineData("652b828")]
    [InlineData("cccccccccccccccccccccccccccccccccccccccc")]
    public async Task Set_refuses_what_is_not_a_release_and_leaves_the_file(string wanted)
    {
        var result = await Run(["--set", wanted]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"--set: got '{wanted}', which is not a release of get-convex/convex-backend", result.Error);
        Assert.Equal(StackText(Pin), await File.ReadAllTextAsync(StackFile));
    }

    [Fact]
    public async Task Set_runs_the_storage_mode_guard_of_pulumi_up()
    {
        await File.WriteAllTextAsync(StackFile, StackText(Old));

        var refused = await Run(["--set", Pin]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("convex-infra:storageMigrationConfirmed", refused.Error);
        Assert.Contains("The file was not changed", refused.Error);
        Assert.Equal(StackText(Old), await File.ReadAllTextAsync(StackFile));

        await File.WriteAllTextAsync(StackFile, StackText(Old, "  convex-infra:storageMigrationConfirmed: true\r\n"));
        var confirmed = await Run(["--set", Pin]);
        Assert.True(confirmed.ExitCode == 0, confirmed.Error);
        Assert.Equal(StackText(Pin, "  convex-infra:storageMigrationConfirmed: true\r\n"), await File.ReadAllTextAsync(StackFile));
    }

    [Fact]
    public async Task Set_runs_the_settings_validation_of_plan_first()
    {
        var broken = StackText(Pin, "  convex-infra:tier: huge\r\n");
        await File.WriteAllTextAsync(StackFile, broken);

        var result = await Run(["--set", Newest]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Pulumi.dev.yaml has 1 problem(s)", result.Error);
        Assert.Contains("convex-infra:tier", result.Error);
        Assert.Equal(broken, await File.ReadAllTextAsync(StackFile));
        Assert.Empty(github.Requests);
    }
}
