using System.Text.RegularExpressions;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Local;

public class LocalPlannerTests
{
    private static readonly Regex DockerObjectName = new("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$");

    [Fact]
    public void Sqlite_runs_exactly_one_backend_and_one_dashboard_and_no_database_container()
    {
        var plan = LocalPlanner.Plan(LocalTestSpecs.Sqlite());

        Assert.Equal([LocalRole.Backend, LocalRole.Dashboard], plan.Containers.Select(c => c.Role));
        Assert.Null(plan.Postgres);
        Assert.Equal(DatabaseEngine.Sqlite, plan.Engine);
        Assert.Equal(["convex-local-acme-local-data"], plan.Volumes.Select(v => v.Name));
        Assert.Empty(plan.Backend.DependsOnHealthy);
        Assert.Throws<InvalidOperationException>(() => plan.Container(LocalRole.Postgres));
    }

    [Fact]
    public void Postgres_starts_first_and_the_backend_waits_for_it_to_be_healthy()
    {
        var plan = LocalPlanner.Plan(LocalTestSpecs.Postgres());

        Assert.Equal([LocalRole.Postgres, LocalRole.Backend, LocalRole.Dashboard], plan.Containers.Select(c => c.Role));
        Assert.Single(plan.Containers, c => c.Role == LocalRole.Backend);
        Assert.Equal([LocalRole.Postgres], plan.Backend.DependsOnHealthy);
        Assert.Equal([LocalRole.Backend], plan.Dashboard.DependsOnHealthy);
        Assert.Equal(
            ["convex-local-acme-local-data", "convex-local-acme-local-pgdata"],
            plan.Volumes.Select(v => v.Name));
    }

    [Fact]
    public void Postgres_creates_the_instance_database_before_the_backend_connects()
    {
        var spec = LocalTestSpecs.Postgres();
        var plan = LocalPlanner.Plan(spec);
        var postgres = plan.Container(LocalRole.Postgres);

        Assert.Equal(new LocalPostgres("convex-local-acme-local-postgres", 5432, "convex", "acme_local"), plan.Postgres);
        Assert.Equal(spec.DatabaseName, Env(postgres, "POSTGRES_DB"));
        Assert.Equal("convex", Env(postgres, "POSTGRES_USER"));
        Assert.Equal([new LocalSecretEnvVar("POSTGRES_PASSWORD", LocalSecret.PostgresPassword)], postgres.SecretEnv);
        Assert.DoesNotContain(postgres.PlainEnv, v => v.Name.Contains("PASSWORD", StringComparison.Ordinal));

        // Ready means: the real server answers over TCP for this user and this database.
        Assert.Equal(
            ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", "convex", "-d", "acme_local"],
            postgres.HealthCheck.Test);
    }

    [Fact]
    public void Postgres_is_reachable_only_on_the_private_network()
    {
        var postgres = LocalPlanner.Plan(LocalTestSpecs.Postgres()).Container(LocalRole.Postgres);

        Assert.Empty(postgres.Ports);
        Assert.Equal([new VolumeMount("convex-local-acme-local-pgdata", "/var/lib/postgresql/data")], postgres.Volumes);
    }

    [Theory]
    [InlineData(DatabaseEngine.Sqlite)]
    [InlineData(DatabaseEngine.Postgres)]
    public void Every_published_port_is_bound_to_loopback_only(DatabaseEngine engine)
    {
        var plan = LocalPlanner.Plan(engine == DatabaseEngine.Sqlite ? LocalTestSpecs.Sqlite() : LocalTestSpecs.Postgres());

        var ports = plan.Containers.SelectMany(c => c.Ports).ToList();
        Assert.Equal(3, ports.Count);
        Assert.All(ports, p => Assert.Equal("127.0.0.1", p.HostIp));
    }

    [Fact]
    public void Host_ports_follow_the_stack_settings_and_container_ports_are_the_images_own()
    {
        var plan = LocalPlanner.Plan(LocalTestSpecs.Sqlite(apiPort: 13210, sitePort: 13211, dashboardPort: 16791));

        Assert.Equal(
            [new PortBinding("127.0.0.1", 13210, 3210), new PortBinding("127.0.0.1", 13211, 3211)],
            plan.Backend.Ports);
        Assert.Equal([new PortBinding("127.0.0.1", 16791, 6791)], plan.Dashboard.Ports);
        Assert.Equal("127.0.0.1:13210:3210", plan.Backend.Ports[0].ToString());
    }

    [Fact]
    public void Images_are_pinned_backend_and_dashboard_to_the_same_revision()
    {
        var plan = LocalPlanner.Plan(LocalTestSpecs.Postgres());

        Assert.Equal($"ghcr.io/get-convex/convex-backend:{LocalTestSpecs.Revision}", plan.Backend.Image);
        Assert.Equal($"ghcr.io/get-convex/convex-dashboard:{LocalTestSpecs.Revision}", plan.Dashboard.Image);
        Assert.Matches("^postgres:17\\.[0-9]+@sha256:[0-9a-f]{64}$", plan.Container(LocalRole.Postgres).Image);
        Assert.All(plan.Containers, c => Assert.DoesNotContain("latest", c.Image, StringComparison.Ordinal));
    }

    [Fact]
    public void Backend_stops_with_SIGINT_and_gets_time_to_drain()
    {
        var backend = LocalPlanner.Plan(LocalTestSpecs.Sqlite()).Backend;

        Assert.Equal("SIGINT", backend.StopSignal);
        Assert.InRange(backend.StopGraceSeconds, 10, 120);
        Assert.Equal("unless-stopped", backend.RestartPolicy);
    }

    [Fact]
    public void Health_checks_use_exec_form_and_probe_the_right_endpoints()
    {
        var plan = LocalPlanner.Plan(LocalTestSpecs.Sqlite());

        Assert.Equal(["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:3210/version"], plan.Backend.HealthCheck.Test);
        Assert.Equal("http://127.0.0.1:6791/", plan.Dashboard.HealthCheck.Test[^1]);
        Assert.All(plan.Containers, c =>
        {
            Assert.Equal("CMD", c.HealthCheck.Test[0]);
            Assert.True(c.HealthCheck.Retries > 0);
            Assert.True(c.HealthCheck.TimeoutSeconds <= c.HealthCheck.IntervalSeconds + 5);
            // pulumi up must wait at least as long as Docker keeps the container in its start period.
            Assert.True(c.HealthyWaitSeconds > c.HealthCheck.StartPeriodSeconds, $"{c.Name}: wait {c.HealthyWaitSeconds}s <= start period");
        });
        Assert.Equal("5s", HealthCheck.Duration(plan.Backend.HealthCheck.IntervalSeconds));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(5, "5s")]
    [InlineData(60, "1m0s")]
    [InlineData(90, "1m30s")]
    [InlineData(3600, "1h0m0s")]
    [InlineData(3723, "1h2m3s")]
    public void Durations_are_spelled_the_way_go_prints_them(int seconds, string expected)
    {
        Assert.Equal(expected, HealthCheck.Duration(seconds));
    }

    [Fact]
    public void Backend_data_lives_on_a_named_volume_mounted_at_the_images_data_directory()
    {
        var plan = LocalPlanner.Plan(LocalTestSpecs.Sqlite());

        Assert.Equal([new VolumeMount("convex-local-acme-local-data", "/convex/data")], plan.Backend.Volumes);
        Assert.Empty(plan.Dashboard.Volumes);
    }

    [Theory]
    [InlineData(DatabaseEngine.Sqlite)]
    [InlineData(DatabaseEngine.Postgres)]
    public void Every_mounted_volume_is_declared_and_every_declared_volume_is_mounted(DatabaseEngine engine)
    {
        var plan = LocalPlanner.Plan(engine == DatabaseEngine.Sqlite ? LocalTestSpecs.Sqlite() : LocalTestSpecs.Postgres());

        var mounted = plan.Containers.SelectMany(c => c.Volumes).Select(v => v.VolumeName).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(plan.Volumes.Select(v => v.Name).OrderBy(n => n, StringComparer.Ordinal), mounted);
    }

    [Fact]
    public void Names_are_stable_so_re_runs_find_the_same_volumes_and_differ_per_instance()
    {
        var first = LocalPlanner.Plan(LocalTestSpecs.Postgres());
        var second = LocalPlanner.Plan(LocalTestSpecs.Postgres());
        var other = LocalPlanner.Plan(LocalTestSpecs.Postgres() with { InstanceName = "acme-other" });

        Assert.Equal(first.Volumes.Select(v => v.Name), second.Volumes.Select(v => v.Name));
        Assert.Equal(first.Containers.Select(c => c.Name), second.Containers.Select(c => c.Name));
        Assert.Empty(first.Volumes.Select(v => v.Name).Intersect(other.Volumes.Select(v => v.Name)));
        Assert.Empty(first.Containers.Select(c => c.Name).Intersect(other.Containers.Select(c => c.Name)));
    }

    [Fact]
    public void Every_docker_object_name_is_valid_and_every_object_is_labelled_with_stack_and_instance()
    {
        var plan = LocalPlanner.Plan(LocalTestSpecs.Postgres());

        var names = plan.Containers.Select(c => c.Name).Concat(plan.Volumes.Select(v => v.Name)).Append(plan.NetworkName);
        Assert.All(names, n => Assert.Matches(DockerObjectName, n));
        var labelSets = plan.Containers.Select(c => c.Labels).Concat(plan.Volumes.Select(v => v.Labels)).Append(plan.Labels);
        Assert.All(labelSets, labels =>
        {
            Assert.Equal("local", labels[LocalNames.StackLabel]);
            Assert.Equal("acme-local", labels[LocalNames.InstanceLabel]);
        });
        Assert.All(plan.Containers, c => Assert.Equal(LocalNames.RoleName(c.Role), c.Labels[LocalNames.RoleLabel]));
    }

    [Fact]
    public void Logs_rotate_so_a_long_running_stack_cannot_fill_the_disk()
    {
        var plan = LocalPlanner.Plan(LocalTestSpecs.Postgres());

        Assert.All(plan.Containers, c =>
        {
            Assert.Equal("10m", c.LogOptions["max-size"]);
            Assert.Equal("3", c.LogOptions["max-file"]);
        });
    }

    [Fact]
    public void An_aws_stack_is_refused_naming_the_target_key()
    {
        var spec = LocalTestSpecs.Sqlite() with { Target = DeploymentTarget.AwsEc2 };

        var error = Assert.Throws<ArgumentException>(() => LocalPlanner.Plan(spec));
        Assert.Contains("convex-infra:target: got aws-ec2", error.Message, StringComparison.Ordinal);
        Assert.Contains("local", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_local_stack_without_local_settings_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => LocalPlanner.Plan(LocalTestSpecs.Sqlite() with { Local = null }));
        Assert.Contains("local settings", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("0123456")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF01234567")]
    public void An_unpinned_image_revision_is_refused(string revision)
    {
        var error = Assert.Throws<ArgumentException>(() => LocalPlanner.Plan(LocalTestSpecs.Sqlite() with { ImageRevision = revision }));
        Assert.Contains($"convex-infra:imageRevision: got '{revision}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("40-character", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_url_that_does_not_match_the_published_port_is_refused()
    {
        var spec = LocalTestSpecs.Sqlite();
        spec = spec with { Local = spec.Local! with { ApiPort = 4000 } };

        var error = Assert.Throws<ArgumentException>(() => LocalPlanner.Plan(spec));
        Assert.Contains("convex-infra:localApiPort", error.Message, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:4000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_loopback_url_is_refused()
    {
        var spec = LocalTestSpecs.Sqlite();
        spec = spec with { Endpoints = spec.Endpoints with { DashboardUrl = new Uri("http://192.168.1.10:6791") } };

        var error = Assert.Throws<ArgumentException>(() => LocalPlanner.Plan(spec));
        Assert.Contains("convex-infra:localDashboardPort", error.Message, StringComparison.Ordinal);
        Assert.Contains("loopback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ports_below_1024_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => LocalPlanner.Plan(LocalTestSpecs.Sqlite(sitePort: 80)));
        Assert.Contains("convex-infra:localSitePort: got 80", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_port_twice_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => LocalPlanner.Plan(LocalTestSpecs.Sqlite(apiPort: 5000, sitePort: 5000)));
        Assert.Contains("three different ports", error.Message, StringComparison.Ordinal);
    }

    private static string Env(LocalContainer container, string name) =>
        Assert.Single(container.PlainEnv, v => v.Name == name).Value;
}
