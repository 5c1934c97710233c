using System.Text.Json;

namespace ConvexInfra.Cli.Tests;

public class AdminKeyCommandTests
{
    private const string Secret = "7e57000000000000000000000000000000000000000000000000000000007e57";
    private const string OtherSecret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private const string Name = "convex-self-hosted";

    // Made by the independent Node.js implementation; see ConvexInfra.Core.Tests/AdminKeys/Fixtures.
    private const string FixtureKey = "convex-self-hosted|01000102030405060708090a0b22c2277585eeeae3b7909a965be1b1e77dc41e992844472e";

    private static readonly Dictionary<string, string> Env = new() { ["INSTANCE_SECRET"] = Secret };

    [Fact]
    public async Task Generate_then_verify_round_trips_through_the_environment()
    {
        var generated = await CliRunner.RunAsync(["admin-key", "generate", "--instance-name", Name, "--instance-secret-env", "INSTANCE_SECRET"], environment: Env);
        Assert.Equal(0, generated.ExitCode);
        var key = generated.Out.Trim();
        Assert.StartsWith(Name + "|01", key);
        Assert.Equal(Name.Length + 1 + 74, key.Length);
        Assert.DoesNotContain(Secret, generated.Out + generated.Error);

        var env = new Dictionary<string, string>(Env) { ["CONVEX_SELF_HOSTED_ADMIN_KEY"] = key };
        var verified = await CliRunner.RunAsync(["admin-key", "verify", "--instance-name", Name, "--instance-secret-env", "INSTANCE_SECRET", "--key-env", "CONVEX_SELF_HOSTED_ADMIN_KEY"], environment: env);
        Assert.Equal(0, verified.ExitCode);
        Assert.StartsWith("OK: valid admin key for member 0 for instance 'convex-self-hosted', read-write", verified.Out);
        Assert.Contains("current format", verified.Out);
    }

    [Fact]
    public async Task Fixed_nonce_and_time_reproduce_the_independent_key_with_the_secret_on_stdin()
    {
        var result = await CliRunner.RunAsync(
            ["admin-key", "generate", "--instance-name", Name, "--instance-secret-stdin", "--nonce", "000102030405060708090a0b", "--issued-at", "1700000000"],
            stdin: Secret + "\n");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(FixtureKey, result.Out.Trim());
    }

    [Fact]
    public async Task Secret_on_the_command_line_works_too()
    {
        var result = await CliRunner.RunAsync(["admin-key", "verify", "--instance-name", Name, "--instance-secret", Secret, "--key", FixtureKey]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("issued 2023-11-14T22:13:20Z", result.Out);
    }

    [Fact]
    public async Task Wrong_name_exits_1_and_names_both_instances()
    {
        var result = await CliRunner.RunAsync(["admin-key", "verify", "--instance-name", "prod-app", "--instance-secret-env", "INSTANCE_SECRET", "--key", FixtureKey], environment: Env);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("REJECTED (WrongInstanceName)", result.Error);
        Assert.Contains("'convex-self-hosted'", result.Error);
        Assert.Contains("'prod-app'", result.Error);
    }

    [Fact]
    public async Task Wrong_secret_exits_1_with_the_reason_and_without_the_secret()
    {
        var result = await CliRunner.RunAsync(["admin-key", "verify", "--instance-name", Name, "--instance-secret", OtherSecret, "--key", FixtureKey]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not made with this instance secret, or it was altered", result.Error);
        Assert.DoesNotContain(OtherSecret, result.Out + result.Error);
    }

    [Theory]
    [InlineData("abc", "has 3 characters")]
    [InlineData("7e57000000000000000000000000000000000000000000000000000000007e5z", "position 64")]
    public async Task Bad_secret_is_a_usage_error_that_does_not_echo_it(string secret, string expected)
    {
        var result = await CliRunner.RunAsync(["admin-key", "generate", "--instance-name", Name, "--instance-secret-env", "S"], environment: new Dictionary<string, string> { ["S"] = secret });
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--instance-secret-env S", result.Error);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain(secret, result.Error);
        Assert.Empty(result.Out);
    }

    [Theory]
    [InlineData(new[] { "generate", "--instance-name", Name }, "instance secret is required")]
    [InlineData(new[] { "generate", "--instance-name", Name, "--instance-secret-env", "A", "--instance-secret-stdin" }, "only once")]
    [InlineData(new[] { "generate", "--instance-secret-env", "INSTANCE_SECRET" }, "--instance-name is required")]
    [InlineData(new[] { "generate", "--instance-name", Name, "--instance-secret-env", "MISSING" }, "MISSING is not set")]
    [InlineData(new[] { "generate", "--instance-name", "prod:x", "--instance-secret-env", "INSTANCE_SECRET" }, "--instance-name:")]
    [InlineData(new[] { "generate", "--instance-name", Name, "--instance-secret-env", "INSTANCE_SECRET", "--member-id", "-1" }, "--member-id must be")]
    [InlineData(new[] { "generate", "--instance-name", Name, "--instance-secret-env", "INSTANCE_SECRET", "--issued-at", "0" }, "--issued-at must be")]
    [InlineData(new[] { "generate", "--instance-name", Name, "--instance-secret-env", "INSTANCE_SECRET", "--nonce", "abc" }, "--nonce: the nonce must be 24 hex")]
    [InlineData(new[] { "generate", "--instance-name", Name, "--instance-secret-env", "INSTANCE_SECRET", "--system", "--read-only" }, "--system cannot")]
    [InlineData(new[] { "generate", "--instance-name", Name, "--instance-secret-env", "INSTANCE_SECRET", "--frob" }, "--frob")]
    [InlineData(new[] { "verify", "--instance-name", Name, "--instance-secret-env", "INSTANCE_SECRET" }, "exactly one of --key-env VAR or --key KEY")]
    [InlineData(new[] { "rotate" }, "unknown subcommand 'rotate'")]
    public async Task Usage_errors_exit_2_and_name_the_option(string[] args, string expected)
    {
        var result = await CliRunner.RunAsync(["admin-key", .. args], environment: Env);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public async Task Empty_stdin_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync(["admin-key", "generate", "--instance-name", Name, "--instance-secret-stdin"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("standard input is empty", result.Error);
    }

    [Fact]
    public async Task Generate_json_describes_the_key()
    {
        var result = await CliRunner.RunAsync(
            ["admin-key", "generate", "--instance-name", Name, "--instance-secret-env", "INSTANCE_SECRET", "--member-id", "42", "--read-only", "--issued-at", "1767225600", "--json"],
            environment: Env);
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var root = doc.RootElement;
        Assert.StartsWith(Name + "|01", root.GetProperty("key").GetString());
        Assert.Equal(Name, root.GetProperty("instanceName").GetString());
        Assert.Equal("current", root.GetProperty("format").GetString());
        Assert.Equal("member", root.GetProperty("identity").GetString());
        Assert.Equal(42UL, root.GetProperty("memberId").GetUInt64());
        Assert.True(root.GetProperty("readOnly").GetBoolean());
        Assert.Equal(1767225600, root.GetProperty("issuedAtUnixSeconds").GetInt64());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), root.GetProperty("issuedAt").GetDateTimeOffset());
        Assert.Equal(24, root.GetProperty("nonce").GetString()!.Length);
        Assert.Contains(root.GetProperty("nonce").GetString()!, root.GetProperty("key").GetString());
    }

    [Fact]
    public async Task Verify_json_reports_rejections_with_exit_1()
    {
        var result = await CliRunner.RunAsync(["admin-key", "verify", "--instance-name", "other", "--instance-secret-env", "INSTANCE_SECRET", "--key", FixtureKey, "--json"], environment: Env);
        Assert.Equal(1, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var root = doc.RootElement;
        Assert.False(root.GetProperty("accepted").GetBoolean());
        Assert.Equal("WrongInstanceName", root.GetProperty("reason").GetString());
        Assert.Equal("current", root.GetProperty("format").GetString());
        Assert.Equal(Name, root.GetProperty("instanceName").GetString());
        Assert.Equal(0UL, root.GetProperty("memberId").GetUInt64());
        Assert.Equal(1700000000, root.GetProperty("issuedAtUnixSeconds").GetInt64());
    }

    [Fact]
    public async Task Verify_json_for_an_accepted_system_key()
    {
        var generated = await CliRunner.RunAsync(["admin-key", "generate", "--instance-name", Name, "--instance-secret-env", "INSTANCE_SECRET", "--system"], environment: Env);
        var result = await CliRunner.RunAsync(["admin-key", "verify", "--instance-name", Name, "--instance-secret-env", "INSTANCE_SECRET", "--key", generated.Out.Trim(), "--json"], environment: Env);
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.True(doc.RootElement.GetProperty("accepted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("reason").ValueKind);
        Assert.Equal("system", doc.RootElement.GetProperty("identity").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("memberId").ValueKind);
    }

    [Theory]
    [InlineData(new[] { "admin-key", "--help" }, "Subcommands:")]
    [InlineData(new[] { "admin-key", "generate", "--help" }, "--instance-name NAME")]
    [InlineData(new[] { "admin-key", "verify", "--help" }, "Exit codes: 0 the backend would accept the key, 1 it would not")]
    public async Task Help_pages_explain_each_level(string[] args, string expected)
    {
        var result = await CliRunner.RunAsync(args);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.Out);
        Assert.Contains("--instance-secret-env VAR", result.Out);
        Assert.Contains("not recommended", result.Out);
    }

    [Fact]
    public async Task No_subcommand_prints_the_overview_and_exits_2()
    {
        var result = await CliRunner.RunAsync(["admin-key"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("generate", result.Out);
        Assert.Contains("verify", result.Out);
    }
}
