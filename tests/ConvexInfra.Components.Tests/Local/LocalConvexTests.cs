using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ConvexInfra.Components.Local;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Spec;
using Pulumi;

namespace ConvexInfra.Components.Tests.Local;

public class LocalConvexTests
{
    private static Task<LocalStackRun> SqliteAsync() => LocalStackRun.UpAsync(LocalStackRun.LocalStackSpec());

    private static Task<LocalStackRun> PostgresAsync() => LocalStackRun.UpAsync(LocalStackRun.LocalStackSpec("postgres"));

    [Fact]
    public void The_local_stack_file_describes_a_local_sqlite_stack()
    {
        var spec = LocalStackRun.LocalStackSpec();

        Assert.Equal(DeploymentTarget.Local, spec.Target);
        Assert.Equal(DatabaseEngine.Sqlite, spec.Database.Engine);
        Assert.NotNull(spec.Local);
    }

    [Fact]
    public async Task Outputs_are_the_loopback_urls_the_instance_name_and_no_database_with_sqlite()
    {
        var run = await SqliteAsync();
        var local = run.Spec.Local!;

        Assert.Equal($"http://127.0.0.1:{local.ApiPort}", await LocalStackRun.ValueAsync(run.Component.ApiUrl));
        Assert.Equal($"http://127.0.0.1:{local.SitePort}", await LocalStackRun.ValueAsync(run.Component.SiteUrl));
        Assert.Equal($"http://127.0.0.1:{local.DashboardPort}", await LocalStackRun.ValueAsync(run.Component.DashboardUrl));
        Assert.Equal(run.Spec.InstanceName, await LocalStackRun.ValueAsync(run.Component.InstanceName));
        Assert.Equal(string.Empty, await LocalStackRun.ValueAsync(run.Component.DatabaseEndpoint));
    }

    [Fact]
    public async Task The_admin_key_is_secret_well_formed_and_stable_across_runs()
    {
        var first = await SqliteAsync();
        var second = await SqliteAsync();

        Assert.True(await Output.IsSecretAsync(first.Component.AdminKey));
        var key = await LocalStackRun.ValueAsync(first.Component.AdminKey);
        Assert.Matches($"^{Regex.Escape(first.Spec.InstanceName)}\\|01[0-9a-f]{{72}}$", key);
        Assert.Equal(key, await LocalStackRun.ValueAsync(second.Component.AdminKey));
        // The nonce held in state is the one in the key (bytes 1..12 after the version byte).
        Assert.Equal(LocalMocks.NonceHex, key.Split('|')[1][2..26]);
    }

    [Fact]
    public async Task Rotation_counters_are_the_keepers_of_the_secret_and_of_the_key()
    {
        var spec = LocalStackRun.LocalStackSpec() with { Rotation = new SecretRotation(InstanceSecretVersion: 3, AdminKeyVersion: 5) };
        var run = await LocalStackRun.UpAsync(spec);

        var bytes = run.Mocks.OfType(LocalTokens.RandomBytes);
        var secret = Assert.Single(bytes, b => Convert.ToInt32(b.Inputs["length"]) == 32);
        var nonce = Assert.Single(bytes, b => Convert.ToInt32(b.Inputs["length"]) == 12);
        Assert.Equal(["instanceSecretVersion=3"], Keepers(secret.Inputs));
        Assert.Equal(["adminKeyVersion=5", "instanceSecretVersion=3"], Keepers(nonce.Inputs));
        var issuedAt = Assert.Single(run.Mocks.OfType(LocalTokens.RandomInteger));
        Assert.Equal(["adminKeyVersion=5", "instanceSecretVersion=3"], Keepers(issuedAt.Inputs));
        Assert.Equal(LocalStackRun.IssuedAt, Convert.ToInt64(issuedAt.Inputs["min"]));
        Assert.Equal(LocalStackRun.IssuedAt, Convert.ToInt64(issuedAt.Inputs["max"]));
    }

    [Fact]
    public async Task The_backend_environment_is_secret_and_carries_the_instance_secret()
    {
        var run = await SqliteAsync();

        Assert.True(await Output.IsSecretAsync(run.Component.Environments[LocalRole.Backend]));
        var env = await run.EnvAsync(LocalRole.Backend);
        Assert.Contains($"INSTANCE_SECRET={LocalMocks.InstanceSecretHex}", env);
        Assert.Contains($"INSTANCE_NAME={run.Spec.InstanceName}", env);
        Assert.Contains($"CONVEX_CLOUD_ORIGIN=http://127.0.0.1:{run.Spec.Local!.ApiPort}", env);
        Assert.Contains($"CONVEX_SITE_ORIGIN=http://127.0.0.1:{run.Spec.Local!.SitePort}", env);
        Assert.DoesNotContain(env, e => e.StartsWith("POSTGRES_URL=", StringComparison.Ordinal));
        Assert.DoesNotContain(env, e => e.StartsWith("DO_NOT_REQUIRE_SSL=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_dashboard_gets_the_api_url_and_never_a_secret()
    {
        var run = await SqliteAsync();
        var key = await LocalStackRun.ValueAsync(run.Component.AdminKey);

        Assert.False(await Output.IsSecretAsync(run.Component.Environments[LocalRole.Dashboard]));
        var env = await run.EnvAsync(LocalRole.Dashboard);
        Assert.Contains($"NEXT_PUBLIC_DEPLOYMENT_URL=http://127.0.0.1:{run.Spec.Local!.ApiPort}", env);
        Assert.DoesNotContain(env, e => e.StartsWith("NEXT_PUBLIC_ADMIN_KEY", StringComparison.Ordinal));
        Assert.DoesNotContain(env, e => e.Contains(LocalMocks.InstanceSecretHex, StringComparison.Ordinal) || e.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Secret_values_reach_no_resource_except_the_containers_that_need_them()
    {
        var run = await PostgresAsync();
        var key = await LocalStackRun.ValueAsync(run.Component.AdminKey);
        var backend = LocalNames.Container(run.Spec, LocalRole.Backend);
        var postgres = LocalNames.Container(run.Spec, LocalRole.Postgres);

        foreach (var resource in run.Mocks.Registered)
        {
            foreach (var (property, value) in resource.Inputs)
            {
                var strings = LocalStackRun.Strings(value).ToList();
                Assert.DoesNotContain(strings, s => s.Contains(key, StringComparison.Ordinal));
                var isBackendEnv = resource.Type == LocalTokens.Container && property == "envs" && Equals(resource.Inputs["name"], backend);
                var isPostgresEnv = resource.Type == LocalTokens.Container && property == "envs" && Equals(resource.Inputs["name"], postgres);
                if (!isBackendEnv)
                {
                    Assert.DoesNotContain(strings, s => s.Contains(LocalMocks.InstanceSecretHex, StringComparison.Ordinal));
                }

                if (!isBackendEnv && !isPostgresEnv)
                {
                    Assert.DoesNotContain(strings, s => s.Contains(LocalMocks.PostgresPassword, StringComparison.Ordinal));
                }
            }
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("postgres")]
    public async Task Every_published_port_is_on_loopback_and_postgres_publishes_none(string? database)
    {
        var run = await LocalStackRun.UpAsync(LocalStackRun.LocalStackSpec(database));
        var local = run.Spec.Local!;

        var published = new List<(int External, int Internal)>();
        foreach (var container in run.Mocks.OfType(LocalTokens.Container))
        {
            if (!container.Inputs.TryGetValue("ports", out var ports))
            {
                continue;
            }

            foreach (var port in LocalStackRun.Items(ports))
            {
                Assert.Equal("127.0.0.1", port["ip"]);
                Assert.Equal("tcp", port["protocol"]);
                published.Add((Convert.ToInt32(port["external"]), Convert.ToInt32(port["internal"])));
            }
        }

        Assert.Equal(
            new[] { (local.ApiPort, 3210), (local.SitePort, 3211), (local.DashboardPort, 6791) }.Order(),
            published.Order());
        if (database == "postgres")
        {
            var postgres = run.ContainerInputs(LocalRole.Postgres);
            Assert.False(postgres.TryGetValue("ports", out var ports) && LocalStackRun.Items(ports).Any());
        }
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData("postgres", 3)]
    public async Task Exactly_one_backend_runs_and_every_image_is_pinned(string? database, int containers)
    {
        var run = await LocalStackRun.UpAsync(LocalStackRun.LocalStackSpec(database));
        var revision = run.Spec.ImageRevision;

        Assert.Equal(containers, run.Mocks.OfType(LocalTokens.Container).Count);
        Assert.Single(run.Mocks.OfType(LocalTokens.Container), c => ((string)c.Inputs["name"]).EndsWith("-backend", StringComparison.Ordinal));
        var images = run.Mocks.OfType(LocalTokens.RemoteImage).Select(i => (string)i.Inputs["name"]).ToList();
        Assert.Equal(containers, images.Count);
        Assert.Single(images, i => i == $"ghcr.io/get-convex/convex-backend:{revision}");
        Assert.Single(images, i => i == $"ghcr.io/get-convex/convex-dashboard:{revision}");
        Assert.All(images, i => Assert.Matches($"^(ghcr\\.io/get-convex/convex-(backend|dashboard):{revision}|postgres:17\\.[0-9]+@sha256:[0-9a-f]{{64}})$", i));
        Assert.All(run.Mocks.OfType(LocalTokens.RemoteImage), i => Assert.True((bool)i.Inputs["keepLocally"]));
    }

    [Fact]
    public async Task Data_lives_on_named_volumes_that_the_containers_mount()
    {
        var run = await PostgresAsync();

        var volumes = run.Mocks.OfType(LocalTokens.Volume).Select(v => (string)v.Inputs["name"]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([LocalNames.BackendDataVolume(run.Spec), LocalNames.PostgresDataVolume(run.Spec)], volumes);
        Assert.Equal(
            (LocalNames.BackendDataVolume(run.Spec), "/convex/data"),
            Mount(run.ContainerInputs(LocalRole.Backend)));
        Assert.Equal(
            (LocalNames.PostgresDataVolume(run.Spec), "/var/lib/postgresql/data"),
            Mount(run.ContainerInputs(LocalRole.Postgres)));
    }

    [Fact]
    public void Volumes_survive_destroy_and_containers_are_stopped_before_they_are_replaced()
    {
        var volume = LocalConvex.VolumeOptions(parent: null!, protect: false);
        Assert.True(volume.RetainOnDelete);
        Assert.False(volume.Protect);
        Assert.True(LocalConvex.VolumeOptions(parent: null!, protect: true).Protect);

        var container = LocalConvex.ContainerOptions(parent: null!, []);
        Assert.True(container.DeleteBeforeReplace);
    }

    [Fact]
    public async Task Postgres_creates_the_database_and_the_backend_reaches_it_by_name()
    {
        var run = await PostgresAsync();

        Assert.Equal(LocalNames.Container(run.Spec, LocalRole.Postgres), await LocalStackRun.ValueAsync(run.Component.DatabaseEndpoint));
        Assert.True(await Output.IsSecretAsync(run.Component.Environments[LocalRole.Postgres]));
        var postgres = await run.EnvAsync(LocalRole.Postgres);
        Assert.Contains($"POSTGRES_DB={run.Spec.DatabaseName}", postgres);
        Assert.Contains($"POSTGRES_PASSWORD={LocalMocks.PostgresPassword}", postgres);

        var backend = await run.EnvAsync(LocalRole.Backend);
        var url = Assert.Single(backend, e => e.StartsWith("POSTGRES_URL=", StringComparison.Ordinal))["POSTGRES_URL=".Length..];
        var uri = new Uri(url);
        Assert.Equal(LocalNames.Container(run.Spec, LocalRole.Postgres), uri.Host);
        Assert.Equal(5432, uri.Port);
        Assert.Equal($"convex:{LocalMocks.PostgresPassword}", uri.UserInfo);
        Assert.True(uri.AbsolutePath is "" or "/", "POSTGRES_URL must not name a database");
        Assert.Equal(string.Empty, uri.Query);
        // Local Postgres has no TLS: the backend must not insist on it (any non-empty value switches it off).
        Assert.Contains(backend, e => e.StartsWith("DO_NOT_REQUIRE_SSL=", StringComparison.Ordinal) && e.Length > "DO_NOT_REQUIRE_SSL=".Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("postgres")]
    public async Task Containers_wait_for_health_and_stop_the_way_the_backend_needs(string? database)
    {
        var run = await LocalStackRun.UpAsync(LocalStackRun.LocalStackSpec(database));

        foreach (var container in run.Mocks.OfType(LocalTokens.Container))
        {
            var inputs = container.Inputs;
            Assert.True((bool)inputs["wait"]);
            Assert.True(Convert.ToInt32(inputs["waitTimeout"]) >= 60);
            Assert.Equal("SIGINT", inputs["stopSignal"]);
            Assert.True(Convert.ToInt32(inputs["destroyGraceSeconds"]) >= 10);
            Assert.Equal("unless-stopped", inputs["restart"]);
            var healthcheck = (IReadOnlyDictionary<string, object>)inputs["healthcheck"];
            Assert.Equal("CMD", ((IEnumerable<object>)healthcheck["tests"]).First());
        }

        var backendCheck = (IReadOnlyDictionary<string, object>)run.ContainerInputs(LocalRole.Backend)["healthcheck"];
        Assert.Contains("http://127.0.0.1:3210/version", ((IEnumerable<object>)backendCheck["tests"]).Cast<string>());
    }

    [Fact]
    public async Task The_dashboard_health_check_needs_only_node_which_its_image_has()
    {
        var run = await LocalStackRun.UpAsync(LocalStackRun.LocalStackSpec(null));
        var check = (IReadOnlyDictionary<string, object>)run.ContainerInputs(LocalRole.Dashboard)["healthcheck"];
        var tests = ((IEnumerable<object>)check["tests"]).Cast<string>().ToList();

        // The dashboard image has no curl: a curl check never passes and `pulumi up` (Wait = true) times out.
        Assert.Equal(["CMD", "node", "-e"], tests.Take(3));
        Assert.Equal("http://127.0.0.1:6791/", tests[^1]);
        Assert.DoesNotContain(tests, t => t.Contains("curl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_child_is_parented_to_the_component()
    {
        var run = await PostgresAsync();

        var children = run.Resources.Where(r => r is CustomResource).ToList();
        Assert.NotEmpty(children);
        foreach (var child in children)
        {
            // A resource registered without a parent never reaches the component's transformation, so it is not recorded.
            Assert.True(run.Parents.ContainsKey(child), $"{await LocalStackRun.ValueAsync(child.Urn)} is not a descendant of the component");
            var ancestor = run.Parents[child];
            while (ancestor is not null && ancestor != run.Component)
            {
                ancestor = run.Parents.GetValueOrDefault(ancestor);
            }

            Assert.Same(run.Component, ancestor);
        }
    }

    [Fact]
    public async Task A_stack_that_is_not_local_is_refused_before_anything_is_created()
    {
        var spec = LocalStackRun.LocalStackSpec() with { Target = DeploymentTarget.AwsEc2 };
        var mocks = new LocalMocks();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => LocalStackRun.UpAsync(spec, mocks));
        Assert.Contains("convex-infra:target", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(mocks.Registered, r => r.Type != "convex-infra:local:LocalConvex");
    }

    private static (string Volume, string Path) Mount(IReadOnlyDictionary<string, object> container)
    {
        var mount = Assert.Single(LocalStackRun.Items(container["volumes"]));
        return ((string)mount["volumeName"], (string)mount["containerPath"]);
    }

    /// <summary>A resource's keepers as sorted <c>key=value</c> lines.</summary>
    private static List<string> Keepers(ImmutableDictionary<string, object> inputs) =>
        ((IReadOnlyDictionary<string, object>)inputs["keepers"])
            .Select(p => $"{p.Key}={p.Value}")
            .Order(StringComparer.Ordinal)
            .ToList();
}

public class LocalBackupsComponentTests
{
    [Fact]
    public async Task With_a_backup_folder_the_exporter_container_mounts_it_gets_the_admin_key_as_a_secret_and_waits_for_the_backend()
    {
        var spec = LocalStackRun.LocalStackSpec();
        spec = spec with { Local = spec.Local! with { Backups = new LocalBackupSpec("/srv/convex-backups", 12, 5) } };

        var run = await LocalStackRun.UpAsync(spec);

        var container = run.ContainerInputs(LocalRole.Exporter);
        var mount = Assert.Single(LocalStackRun.Items(container["volumes"]));
        Assert.Equal("/srv/convex-backups", mount["hostPath"]);
        Assert.Equal(LocalBackups.ContainerFolder, mount["containerPath"]);
        Assert.Equal(["sh", "-c", LocalBackups.Script()], LocalStackRun.Strings(container["command"]));
        Assert.True(await Output.IsSecretAsync(run.Component.Environments[LocalRole.Exporter]));
        var env = await run.EnvAsync(LocalRole.Exporter);
        Assert.Contains($"CONVEX_SELF_HOSTED_ADMIN_KEY={await LocalStackRun.ValueAsync(run.Component.AdminKey)}", env);
        Assert.Contains("BACKUP_INTERVAL_SECONDS=43200", env);
        Assert.False(run.ContainerInputs(LocalRole.Backend).ContainsKey("command"), "the backend keeps its image's command");
    }

    [Fact]
    public async Task With_a_bucket_only_the_exporter_gets_the_key_pair_as_secrets_in_its_environment_and_no_host_folder()
    {
        const string secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
        var spec = LocalStackRun.LocalStackSpec();
        var bucket = new LocalBackupBucketSpec("https://s3.example.com", "convex-backups", "us-east-1", "local/", PathStyle: true);
        spec = spec with { Local = spec.Local! with { Backups = new LocalBackupSpec(null, 24, 7, bucket) } };

        var run = await LocalStackRun.UpAsync(spec, bucketKeys: ("AKIAEXAMPLEKEYID0001", secretKey));

        var container = run.ContainerInputs(LocalRole.Exporter);
        Assert.False(container.ContainsKey("volumes") && LocalStackRun.Items(container["volumes"]).Any(), "no host folder without localBackupDir");
        Assert.True(await Output.IsSecretAsync(run.Component.Environments[LocalRole.Exporter]));
        var env = await run.EnvAsync(LocalRole.Exporter);
        Assert.Contains("AWS_ACCESS_KEY_ID=AKIAEXAMPLEKEYID0001", env);
        Assert.Contains($"AWS_SECRET_ACCESS_KEY={secretKey}", env);
        Assert.Contains("BACKUP_S3_BUCKET=convex-backups", env);
        Assert.Contains("BACKUP_KEEP=false", env);
        // Nowhere else: not in the command, labels or any other input of any container but the (secret) environment.
        Assert.All(run.Mocks.OfType(LocalTokens.Container), c => Assert.DoesNotContain(
            c.Inputs.Where(p => p.Key != "envs").SelectMany(p => LocalStackRun.Strings(p.Value)), s => s.Contains(secretKey, StringComparison.Ordinal)));
    }

    [Fact]
    public void A_bucket_without_its_key_pair_is_refused_with_the_keys_to_set()
    {
        var spec = LocalStackRun.LocalStackSpec();
        var bucket = new LocalBackupBucketSpec("https://s3.example.com", "convex-backups", "us-east-1", string.Empty, PathStyle: false);
        spec = spec with { Local = spec.Local! with { Backups = new LocalBackupSpec(null, 24, 7, bucket) } };

        var error = Assert.ThrowsAny<Exception>(() => LocalStackRun.UpAsync(spec).GetAwaiter().GetResult());

        Assert.Contains("localBackupBucketSecretAccessKey", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_backup_folder_there_is_no_exporter()
    {
        var run = await LocalStackRun.UpAsync(LocalStackRun.LocalStackSpec());

        Assert.DoesNotContain(run.Mocks.OfType(LocalTokens.Container), c => ((string)c.Inputs["name"]).EndsWith("-exporter", StringComparison.Ordinal));
    }
}
