using ConvexInfra.Core.Local;

namespace ConvexInfra.Core.Tests.Local;

public sealed class LocalComposeTests : IDisposable
{
    private const string FakePostgresPassword = "fake-pg-password-ZZZ";
    private const string FakeInstanceSecret = "fake-instance-secret-YYY";
    private readonly string _dir = Directory.CreateTempSubdirectory("convex-local-compose-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly IReadOnlyDictionary<LocalRole, LocalContainerEnv> ConvexEnv = new Dictionary<LocalRole, LocalContainerEnv>
    {
        [LocalRole.Backend] = new(
            [new("INSTANCE_NAME", "acme-local"), new("CONVEX_CLOUD_ORIGIN", "http://127.0.0.1:3210"), new("DO_NOT_REQUIRE_SSL", "true")],
            ["INSTANCE_SECRET", "POSTGRES_URL"]),
        [LocalRole.Dashboard] = new([new("NEXT_PUBLIC_DEPLOYMENT_URL", "http://127.0.0.1:3210")], []),
    };

    [Fact]
    public void Docker_compose_accepts_the_postgres_stack_and_sees_loopback_ports_health_checks_and_order()
    {
        var file = Write(LocalCompose.Render(LocalPlanner.Plan(LocalTestSpecs.Postgres()), ConvexEnv));

        var result = LocalTool.Run("docker-compose", ["-f", file, "config"], Secrets());

        Assert.True(result.ExitCode == 0, result.Stderr);
        var config = result.Stdout;
        var ports = config.Split('\n').Select(l => l.Trim()).Where(l => l.EndsWith("/tcp", StringComparison.Ordinal)).ToList();
        Assert.Equal(["- 127.0.0.1:3210:3210/tcp", "- 127.0.0.1:3211:3211/tcp", "- 127.0.0.1:6791:6791/tcp"], ports);
        Assert.Contains("condition: service_healthy", config, StringComparison.Ordinal);
        Assert.Contains("stop_signal: SIGINT", config, StringComparison.Ordinal);
        Assert.Contains("POSTGRES_DB: acme_local", config, StringComparison.Ordinal);
        Assert.Contains("pg_isready", config, StringComparison.Ordinal);
        Assert.Contains("name: convex-local-acme-local-pgdata", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Docker_compose_accepts_the_sqlite_stack()
    {
        var file = Write(LocalCompose.Render(LocalPlanner.Plan(LocalTestSpecs.Sqlite()), ConvexEnv));

        var result = LocalTool.Run("docker-compose", ["-f", file, "config", "--services"], Secrets());

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["backend", "dashboard"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Secrets_are_never_written_and_compose_refuses_to_run_without_them()
    {
        var text = LocalCompose.Render(LocalPlanner.Plan(LocalTestSpecs.Postgres()), ConvexEnv);
        var file = Write(text);

        Assert.Contains("${POSTGRES_PASSWORD:?", text, StringComparison.Ordinal);
        Assert.Contains("${INSTANCE_SECRET:?", text, StringComparison.Ordinal);
        var withSecrets = LocalTool.Run("docker-compose", ["-f", file, "config"], Secrets());
        Assert.Contains(FakeInstanceSecret, withSecrets.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeInstanceSecret, text, StringComparison.Ordinal);

        var without = LocalTool.Run("docker-compose", ["-f", file, "config"], new Dictionary<string, string?>
        {
            ["POSTGRES_PASSWORD"] = FakePostgresPassword,
            ["POSTGRES_URL"] = "postgres://convex:x@db:5432",
            ["INSTANCE_SECRET"] = null,
        });
        Assert.NotEqual(0, without.ExitCode);
        Assert.Contains("INSTANCE_SECRET", without.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Yamllint_accepts_the_file()
    {
        var file = Write(LocalCompose.Render(LocalPlanner.Plan(LocalTestSpecs.Postgres()), ConvexEnv));

        var result = LocalTool.Run("yamllint", ["-s", "-d", "{extends: default, rules: {line-length: {max: 160}}}", file]);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
    }

    [Fact]
    public void A_literal_dollar_in_a_plain_value_survives_interpolation()
    {
        var env = new Dictionary<LocalRole, LocalContainerEnv>
        {
            [LocalRole.Backend] = new([new("RUST_LOG", "info,$weird")], []),
        };
        var file = Write(LocalCompose.Render(LocalPlanner.Plan(LocalTestSpecs.Sqlite()), env));

        var result = LocalTool.Run("docker-compose", ["-f", file, "config"]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("info,$$weird", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_variable_set_twice_is_refused()
    {
        var env = new Dictionary<LocalRole, LocalContainerEnv>
        {
            [LocalRole.Postgres] = new([new("POSTGRES_DB", "other")], []),
        };

        var error = Assert.Throws<ArgumentException>(() => LocalCompose.Render(LocalPlanner.Plan(LocalTestSpecs.Postgres()), env));
        Assert.Contains("POSTGRES_DB", error.Message, StringComparison.Ordinal);
    }

    private string Write(string text)
    {
        var path = Path.Combine(_dir, "docker-compose.yml");
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string?> Secrets() => new()
    {
        ["POSTGRES_PASSWORD"] = FakePostgresPassword,
        ["POSTGRES_URL"] = "postgres://convex:x@db:5432",
        ["INSTANCE_SECRET"] = FakeInstanceSecret,
    };
}
