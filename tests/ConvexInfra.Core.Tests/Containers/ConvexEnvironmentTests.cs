using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Fixtures;
using static ConvexInfra.Core.Containers.ConvexEnvNames;

namespace ConvexInfra.Core.Tests.Containers;

public class ConvexEnvironmentTests
{
    [Theory]
    [MemberData(nameof(TestSpecs.AllNames), MemberType = typeof(TestSpecs))]
    public void Backend_environment_keeps_every_invariant(string stack)
    {
        var spec = TestSpecs.Named(stack);
        var env = ConvexEnvironment.Backend(spec, TestSpecs.AwsFor(spec));
        Assert.Empty(EnvironmentInvariants.Backend(spec, env));
    }

    [Fact]
    public void Invariants_catch_a_broken_environment()
    {
        // The checker itself must be able to fail: feed it an environment with typical mistakes.
        var spec = TestSpecs.Ec2Dev;
        var good = ConvexEnvironment.Backend(spec, TestSpecs.AwsFor(spec));
        var bad = good with
        {
            Plain = good.Plain.Where(v => v.Name != FilesBucket)
                .Append(new EnvVar(DisableBeacon, "false"))
                .Append(new EnvVar(DoNotRequireSsl, "true"))
                .Append(new EnvVar(InstanceSecret, TestSpecs.FakeInstanceSecret))
                .ToList(),
        };

        var broken = EnvironmentInvariants.Backend(spec, bad);

        Assert.Contains("AWS_REGION and the five buckets: all or none", broken);
        Assert.Contains("DISABLE_BEACON is emitted only as 'true' (any value switches it on)", broken);
        Assert.Contains("never DO_NOT_REQUIRE_SSL on AWS", broken);
        Assert.Contains("INSTANCE_SECRET is a secret, never plain", broken);
    }

    [Fact]
    public void Ec2_backend_uses_rds_with_tls_and_all_five_buckets()
    {
        var spec = TestSpecs.Ec2Prod;
        var aws = TestSpecs.RequireAws(spec);
        var env = ConvexEnvironment.Backend(spec, aws);

        Assert.Equal("https://api.prod.convex.example.com", env.Find(CloudOrigin));
        Assert.Equal("https://site.prod.convex.example.com", env.Find(SiteOrigin));
        Assert.Equal("/convex/certs/rds-global-bundle.pem", env.Find(PgCaFile));
        Assert.Equal("eu-west-1", env.Find(AwsRegion));
        Assert.Equal(aws.Buckets.All, ConvexEnvNames.S3Buckets.Select(env.Find));
        Assert.Equal("json", env.Find(LogFormat));
        Assert.Equal("true", env.Find(DisableBeacon));
        Assert.Equal("true", env.Find(RedactLogsToClient));
        Assert.Equal("172800", env.Find(DocumentRetentionDelay));
        Assert.Equal(
            [new SecretEnvVar(InstanceSecret, SecretKind.InstanceSecret), new SecretEnvVar(PostgresUrlVar, SecretKind.PostgresUrl)],
            env.Secrets);
    }

    [Fact]
    public void Switched_off_flags_are_absent_not_false()
    {
        var env = ConvexEnvironment.Backend(TestSpecs.Ec2Dev, TestSpecs.AwsFor(TestSpecs.Ec2Dev));

        Assert.DoesNotContain(DisableBeacon, env.Names);
        Assert.DoesNotContain(RedactLogsToClient, env.Names);
        Assert.DoesNotContain(env.Plain, v => v.Value == "false");
    }

    [Fact]
    public void Local_sqlite_has_no_database_or_storage_variables()
    {
        var env = ConvexEnvironment.Backend(TestSpecs.LocalSqlite, null);

        Assert.Equal([InstanceSecret], env.Secrets.Select(s => s.Name));
        Assert.DoesNotContain(env.Names, n => n.Contains("POSTGRES", StringComparison.Ordinal) || n.StartsWith("S3_", StringComparison.Ordinal) || n.StartsWith("AWS_", StringComparison.Ordinal) || n == PgCaFile || n == DoNotRequireSsl);
        Assert.Equal("http://127.0.0.1:3210", env.Find(CloudOrigin));
        Assert.Null(env.Find(LogFormat));
    }

    [Fact]
    public void Local_postgres_turns_tls_off_and_passes_the_url_as_a_secret()
    {
        var env = ConvexEnvironment.Backend(TestSpecs.LocalPostgres, null);

        Assert.Equal("true", env.Find(DoNotRequireSsl));
        Assert.True(env.HasSecret(PostgresUrlVar));
        Assert.Null(env.Find(PgCaFile));
    }

    [Fact]
    public void Aws_target_without_runtime_values_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ConvexEnvironment.Backend(TestSpecs.EcsStaging, null));
        Assert.Contains("aws-ecs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_target_with_runtime_values_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ConvexEnvironment.Backend(TestSpecs.LocalSqlite, TestSpecs.AwsFor(TestSpecs.Ec2Dev)));
    }

    [Fact]
    public void Instance_name_with_a_line_break_cannot_reach_an_env_file()
    {
        var spec = TestSpecs.Ec2Dev with { InstanceName = "acme\nINSTANCE_SECRET=00" };
        var error = Assert.Throws<InvalidOperationException>(() => ConvexEnvironment.Backend(spec, TestSpecs.AwsFor(spec)));
        Assert.Contains("INSTANCE_NAME has a line break", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestSpecs.AllNames), MemberType = typeof(TestSpecs))]
    public void Dashboard_points_the_browser_at_the_api_and_never_gets_the_admin_key(string stack)
    {
        var spec = TestSpecs.Named(stack);
        var env = ConvexEnvironment.Dashboard(spec);

        Assert.Equal(
            [new EnvVar(DashboardDeploymentUrl, spec.Endpoints.ApiOrigin)],
            env);
        Assert.DoesNotContain(env, v => v.Name == DashboardAdminKey);
    }

    [Fact]
    public void Validate_reports_duplicates_and_bad_names()
    {
        var env = new ContainerEnvironment(
            [new EnvVar("RUST_LOG", "info"), new EnvVar("rust-log", "x")],
            [new SecretEnvVar("RUST_LOG", SecretKind.InstanceSecret)]);

        var error = Assert.Throws<InvalidOperationException>(env.Validate);

        Assert.Contains("'rust-log' is not of the form", error.Message, StringComparison.Ordinal);
        Assert.Contains("RUST_LOG is set more than once", error.Message, StringComparison.Ordinal);
    }
}
