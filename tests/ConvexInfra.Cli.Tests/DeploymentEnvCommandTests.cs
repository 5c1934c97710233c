using System.Text.Json;
using ConvexInfra.Cli.Tests.Servers;

namespace ConvexInfra.Cli.Tests;

public sealed class DeploymentEnvCommandTests : IAsyncLifetime
{
    private const string Secret = "gh-secret-0123456789";
    private static readonly Dictionary<string, string> KeyEnv = new() { ["ADMIN_KEY"] = FakeEnvBackend.AdminKey };
    private FakeEnvBackend backend = null!;
    private readonly string directory = Directory.CreateTempSubdirectory("deployment-env-").FullName;

    public async Task InitializeAsync() => backend = await FakeEnvBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await backend.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private string WriteDesired(object map)
    {
        var path = Path.Combine(directory, "env.json");
        File.WriteAllText(path, JsonSerializer.Serialize(map));
        return path;
    }

    private Task<CliRunner.Result> RunAsync(string verb, params string[] extra) =>
        CliRunner.RunAsync(["deployment-env", verb, "--api-url", backend.Url, "--admin-key-env", "ADMIN_KEY", "--wait", "5", .. extra], environment: KeyEnv);

    [Fact]
    public async Task Apply_sets_new_values_in_one_call_with_the_admin_key_header()
    {
        var from = WriteDesired(new { AUTH_GITHUB_ID = "Iv1.abc", AUTH_GITHUB_SECRET = Secret });

        var result = await RunAsync("apply", "--from", from);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Iv1.abc", backend.Variables["AUTH_GITHUB_ID"]);
        Assert.Equal(Secret, backend.Variables["AUTH_GITHUB_SECRET"]);
        var update = Assert.Single(backend.Updates);
        Assert.Equal("POST", update.Method);
        Assert.Equal($"Convex {FakeEnvBackend.AdminKey}", update.Authorization);
        Assert.Equal($$"""{"changes":[{"name":"AUTH_GITHUB_ID","value":"Iv1.abc"},{"name":"AUTH_GITHUB_SECRET","value":"{{Secret}}"}]}""", update.Body);
        Assert.Equal("/version", backend.Requests[0].Path);
        Assert.Contains("+ AUTH_GITHUB_SECRET", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Out + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeEnvBackend.AdminKey, result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_from_dotenv_takes_what_npx_convex_env_list_prints()
    {
        // As formatEnvValueForDotfile quotes them: a multi-line value in single quotes, one with a quote and a newline
        // in double quotes with \n, a value holding '#' wrapped in single quotes.
        var path = Path.Combine(directory, "env-list.txt");
        File.WriteAllText(path, $"APP_MODE=production\nJWT_PRIVATE_KEY='-----BEGIN KEY-----\nabc {Secret}\n-----END KEY-----'\nQUOTED=\"it's\\nhere\"\nHASH='a#b'\n");

        var result = await RunAsync("apply", "--from-dotenv", path);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Equal("production", backend.Variables["APP_MODE"]);
        Assert.Equal($"-----BEGIN KEY-----\nabc {Secret}\n-----END KEY-----", backend.Variables["JWT_PRIVATE_KEY"]);
        Assert.Equal("it's\nhere", backend.Variables["QUOTED"]);
        Assert.Equal("a#b", backend.Variables["HASH"]);
        Assert.DoesNotContain(Secret, result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dotenv_line_that_is_no_assignment_is_named_by_its_line_without_its_text()
    {
        var path = Path.Combine(directory, "env-list.txt");
        File.WriteAllText(path, $"APP_MODE=production\n{Secret}\n");

        var result = await RunAsync("apply", "--from-dotenv", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 2: expected NAME=value", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Out + result.Error, StringComparison.Ordinal);
        Assert.Empty(backend.Updates);
        var both = await RunAsync("apply", "--from-dotenv", path, "--from", path);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("exactly one of --from", both.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_apply_with_the_same_values_sends_no_update()
    {
        var from = WriteDesired(new { A = "1", B = "2" });
        Assert.Equal(0, (await RunAsync("apply", "--from", from)).ExitCode);

        var again = await RunAsync("apply", "--from", from);

        Assert.Equal(0, again.ExitCode);
        Assert.Single(backend.Updates);
        Assert.Contains("No changes; nothing sent.", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_changed_values_are_sent_and_extra_variables_are_kept_without_prune()
    {
        backend.Variables["A"] = "old";
        backend.Variables["B"] = "same";
        backend.Variables["HAND_SET"] = "x";

        var result = await RunAsync("apply", "--from", WriteDesired(new { A = "new", B = "same" }));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("""{"changes":[{"name":"A","value":"new"}]}""", Assert.Single(backend.Updates).Body);
        Assert.Equal("x", backend.Variables["HAND_SET"]);
        Assert.Contains("? HAND_SET", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_unsets_variables_the_map_does_not_list()
    {
        backend.Variables["KEEP"] = "1";
        backend.Variables["GONE"] = "2";

        var result = await RunAsync("apply", "--from", WriteDesired(new { KEEP = "1" }), "--prune");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("""{"changes":[{"name":"GONE","value":null}]}""", Assert.Single(backend.Updates).Body);
        Assert.Equal(["KEEP"], backend.Variables.Keys);
    }

    [Fact]
    public async Task Diff_changes_nothing_and_prints_names_only()
    {
        backend.Variables["A"] = "old-value";

        var result = await RunAsync("diff", "--from", WriteDesired(new { A = "new-value", B = Secret }));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("+ B\n~ A\n1 to add, 1 to change, 0 to unset, 0 unchanged, 0 kept.\n", result.Out);
        Assert.Empty(backend.Updates);
        Assert.Equal("old-value", backend.Variables["A"]);
    }

    [Fact]
    public async Task List_prints_names_without_values()
    {
        backend.Variables["B"] = Secret;
        backend.Variables["A"] = "1";

        var result = await RunAsync("list");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("A\nB\n", result.Out.ReplaceLineEndings("\n"));
        var query = backend.Requests.Single(r => r.Path == "/api/query");
        Assert.Equal("""{"path":"_system/cli/queryEnvironmentVariables","args":[{}],"format":"convex_encoded_json"}""", query.Body);
    }

    [Fact]
    public async Task The_map_and_the_key_can_both_come_from_stdin()
    {
        var stdin = FakeEnvBackend.AdminKey + "\n" + JsonSerializer.Serialize(new { S = Secret });

        var result = await CliRunner.RunAsync(["deployment-env", "apply", "--api-url", backend.Url, "--admin-key-stdin", "--from", "-", "--wait", "5"], stdin);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Secret, backend.Variables["S"]);
    }

    [Fact]
    public async Task A_wrong_admin_key_fails_with_the_backend_code_and_no_key_in_the_output()
    {
        var result = await CliRunner.RunAsync(
            ["deployment-env", "list", "--api-url", backend.Url, "--admin-key-env", "ADMIN_KEY", "--wait", "5"],
            environment: new Dictionary<string, string> { ["ADMIN_KEY"] = "convex-test|01deadbeef" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 401 BadAdminKey", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("deadbeef", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("1m")]
    public async Task It_waits_for_version_before_the_first_call(string wait)
    {
        await using var starting = await FakeEnvBackend.StartAsync(startingVersionAnswers: 2);

        var result = await CliRunner.RunAsync(["deployment-env", "list", "--api-url", starting.Url, "--admin-key-env", "ADMIN_KEY", "--wait", wait], environment: KeyEnv);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["/version", "/version", "/version", "/api/query"], starting.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task A_backend_that_never_answers_version_fails_after_the_wait()
    {
        await using var down = await FakeEnvBackend.StartAsync(startingVersionAnswers: 1000);

        var result = await CliRunner.RunAsync(["deployment-env", "list", "--api-url", down.Url, "--admin-key-env", "ADMIN_KEY", "--wait", "1"], environment: KeyEnv);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/version did not answer 200 within 1 s (last: HTTP 503)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(down.Requests, r => r.Path.StartsWith("/api/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "--admin-key-env", "ADMIN_KEY" }, "exactly one of --from FILE|- (JSON map) or --from-dotenv FILE")]
    [InlineData(new[] { "--from", "env.json" }, "exactly one of --admin-key-env VAR or --admin-key-stdin")]
    [InlineData(new[] { "--admin-key-env", "NOPE", "--from", "env.json" }, "environment variable NOPE is not set")]
    [InlineData(new[] { "--admin-key-env", "ADMIN_KEY", "--from", "missing.json" }, "--from missing.json: file not found")]
    [InlineData(new[] { "--admin-key-env", "ADMIN_KEY", "--from", "env.json", "--wait", "soon" }, "--wait: 'soon' is not a duration; expected e.g. 90s, 5m")]
    [InlineData(new[] { "--admin-key-env", "ADMIN_KEY", "--from", "env.json", "--wait", "2h" }, "--wait: '2h' is longer than the 1h this command waits at most")]
    public async Task Bad_calls_are_usage_errors_naming_the_option(string[] options, string expected)
    {
        File.WriteAllText(Path.Combine(directory, "env.json"), "{}");

        var result = await CliRunner.RunAsync(["deployment-env", "apply", "--api-url", backend.Url, .. options], environment: KeyEnv, workingDirectory: directory);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Empty(backend.Requests);
    }

    [Fact]
    public async Task A_bad_map_is_a_usage_error_before_any_request()
    {
        var result = await RunAsync("apply", "--from", WriteDesired(new Dictionary<string, object> { ["bad-name"] = "x" }));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'bad-name' must start with a letter", result.Error, StringComparison.Ordinal);
        Assert.Empty(backend.Requests);
    }

    [Fact]
    public async Task An_api_url_with_a_path_is_refused()
    {
        var result = await CliRunner.RunAsync(["deployment-env", "list", "--api-url", backend.Url + "/v1", "--admin-key-env", "ADMIN_KEY"], environment: KeyEnv);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--api-url must be an http(s) origin without a path", result.Error, StringComparison.Ordinal);
        Assert.Empty(backend.Requests);
    }

    [Fact]
    public async Task Help_lists_the_subcommands_and_is_listed_by_the_app()
    {
        var help = await CliRunner.RunAsync(["deployment-env", "--help"]);
        var app = await CliRunner.RunAsync(["--help"]);

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("list", help.Out, StringComparison.Ordinal);
        Assert.Contains("--prune", help.Out, StringComparison.Ordinal);
        Assert.Contains("deployment-env", app.Out, StringComparison.Ordinal);
    }
}
