using ConvexInfra.Core.Backup;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Spec;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Local;

/// <summary>Scheduled exports of the local target: settings, the exporter container, its compose form and its script.</summary>
public sealed class LocalBackupsTests : IDisposable
{
    private const string AdminKey = "acme-local|01deadbeefcafe";
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static DeploymentSpec WithBackups(DeploymentSpec spec, LocalBackupSpec backups) => spec with { Local = spec.Local! with { Backups = backups } };

    [Fact]
    public void The_settings_turn_on_scheduled_exports_with_defaults()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Local(("localBackupDir", "/var/backups/convex-local/")));

        Assert.Equal(new LocalBackupSpec("/var/backups/convex-local", 24, 7), spec.Local!.Backups);
        Assert.Null(TestConfigs.ReadValid(TestConfigs.Local()).Local!.Backups);
        Assert.Equal("24 h (localBackupDir)", RecoveryObjectives.For(spec).ExportRpo);
        Assert.Equal(7, RecoveryObjectives.For(spec).ExportRetentionDays);
    }

    [Theory]
    [InlineData("localBackupDir", "backups/relative", "convex-infra:localBackupDir", "an absolute host folder")]
    [InlineData("localBackupDir", "/var/../etc", "convex-infra:localBackupDir", "no '.' or '..' parts")]
    [InlineData("localBackupDir", "C:/backups", "convex-infra:localBackupDir", "an absolute host folder")]
    [InlineData("localBackupIntervalHours", "0", "convex-infra:localBackupIntervalHours", "a whole number from 1 to 168")]
    [InlineData("localBackupRetentionDays", "400", "convex-infra:localBackupRetentionDays", "a whole number from 1 to 365")]
    public void Bad_values_are_errors_that_name_their_key(string key, string value, string named, string expected)
    {
        var errors = TestConfigs.ReadErrors(TestConfigs.Local(("localBackupDir", "/var/backups/convex-local"), (key, value)));

        var error = Assert.Single(errors);
        Assert.Equal(named, error.Key);
        Assert.Contains(expected, error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Interval_or_retention_without_a_folder_and_a_retention_shorter_than_the_interval_are_refused()
    {
        var alone = TestConfigs.ReadErrors(TestConfigs.Local(("localBackupIntervalHours", "12"), ("localBackupRetentionDays", "3")));
        Assert.Equal(["convex-infra:localBackupIntervalHours", "convex-infra:localBackupRetentionDays"], alone.Select(e => e.Key));
        Assert.All(alone, e => Assert.Contains("a localBackupDir or localBackupBucket as well", e.Expected, StringComparison.Ordinal));

        var short_ = Assert.Single(TestConfigs.ReadErrors(TestConfigs.Local(
            ("localBackupDir", "/b"), ("localBackupIntervalHours", "72"), ("localBackupRetentionDays", "2"))));
        Assert.Equal("convex-infra:localBackupRetentionDays", short_.Key);
        Assert.Contains("at least 3 day(s)", short_.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exporter_runs_the_pinned_cli_against_the_backend_on_the_stack_network_into_the_host_folder()
    {
        var plan = LocalPlanner.Plan(WithBackups(LocalTestSpecs.Sqlite(), new LocalBackupSpec("/srv/convex-backups", 6, 3)));

        var exporter = plan.Container(LocalRole.Exporter);
        Assert.Equal(ExportTask.NodeImage, exporter.Image);
        Assert.Equal([new BindMount("/srv/convex-backups", "/backups")], exporter.Binds);
        Assert.Empty(exporter.Ports);
        Assert.Equal([LocalRole.Backend], exporter.DependsOnHealthy);
        Assert.Equal(["sh", "-c", LocalBackups.Script()], exporter.Command);
        var env = exporter.PlainEnv.ToDictionary(v => v.Name, v => v.Value);
        Assert.Equal("http://backend:3210", env["CONVEX_SELF_HOSTED_URL"]);
        Assert.Equal("21600", env["BACKUP_INTERVAL_SECONDS"]);
        Assert.Equal("3", env["BACKUP_RETENTION_DAYS"]);
        Assert.Equal(ExportTask.PackageLock(), env[ExportTask.PackageLockVariable]);
        // The variables lister comes as a text of the environment, like the lockfile: the export task's own program.
        Assert.Equal(ListVariablesScript.Text, env[ListVariablesScript.Variable]);
        Assert.Equal([new LocalSecretEnvVar("CONVEX_SELF_HOSTED_ADMIN_KEY", LocalSecret.AdminKey)], exporter.SecretEnv);
        Assert.Equal(["backend", "dashboard", "exporter"], plan.Containers.Select(c => LocalNames.RoleName(c.Role)));
        Assert.DoesNotContain(LocalPlanner.Plan(LocalTestSpecs.Sqlite()).Containers, c => c.Role == LocalRole.Exporter);
    }

    [Fact]
    public void Docker_compose_accepts_the_exporter_with_its_folder_command_and_key_from_the_environment()
    {
        var text = LocalCompose.Render(LocalPlanner.Plan(WithBackups(LocalTestSpecs.Postgres(), new LocalBackupSpec("/srv/convex-backups", 24, 7))));
        var file = dir.Write("compose.yaml", text);

        var result = LocalTool.Run("docker-compose", ["-f", file, "config"], new Dictionary<string, string?>
        {
            ["POSTGRES_PASSWORD"] = "pw",
            ["CONVEX_SELF_HOSTED_ADMIN_KEY"] = AdminKey,
        });

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("/srv/convex-backups:/backups:rw", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("BACKUP_INTERVAL_SECONDS: '86400'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("npx --no-install convex export --include-file-storage", result.Stdout, StringComparison.Ordinal);
        // The script's own ${…} survive compose's interpolation: escaped as $$ in the file, and compose prints them so again.
        Assert.Contains("$${BACKUP_DIR}/convex-export-$${BACKUP_NAME}-$${stamp}.zip", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(AdminKey, text, StringComparison.Ordinal);
        var without = LocalTool.Run("docker-compose", ["-f", file, "config"], new Dictionary<string, string?> { ["POSTGRES_PASSWORD"] = "pw" });
        Assert.NotEqual(0, without.ExitCode);
        Assert.Contains("CONVEX_SELF_HOSTED_ADMIN_KEY", without.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The container's script with fake npm and npx (export writes the file it is given) and a sleep that ends the loop
    /// after one round: a new export under its final name, expired ones of this stack deleted, newer ones and other
    /// stacks' files kept.
    /// </summary>
    [Fact]
    public void One_round_writes_an_export_and_deletes_only_this_stacks_expired_ones()
    {
        var backups = Directory.CreateDirectory(Path.Combine(dir.Path, "backups")).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(dir.Path, "bin")).FullName;
        var old = Touch(backups, "convex-export-local-20261120T031700Z.zip", DateTime.UtcNow.AddDays(-8));
        var recent = Touch(backups, "convex-export-local-20261204T031700Z.zip", DateTime.UtcNow.AddDays(-2));
        var other = Touch(backups, "convex-export-other-20261120T031700Z.zip", DateTime.UtcNow.AddDays(-8));
        var longer = Touch(backups, "convex-export-local-b-20261120T031700Z.zip", DateTime.UtcNow.AddDays(-8));
        var oldEnv = Touch(backups, "convex-env-local-20261120T031700Z.json", DateTime.UtcNow.AddDays(-8));
        var recentEnv = Touch(backups, "convex-env-local-20261204T031700Z.json", DateTime.UtcNow.AddDays(-2));
        var keep = Touch(backups, "notes.txt", DateTime.UtcNow.AddDays(-30));
        Fake(bin, "npm", "exit 0");
        Fake(bin, "npx", """
            if [ "$3" = "--version" ]; then echo 1.27.0; exit 0; fi
            case "$*" in *"$CONVEX_SELF_HOSTED_ADMIN_KEY"*) echo "key in arguments" >&2; exit 7 ;; esac
            [ "$3" = export ] || exit 8
            printf 'zip' > "$6"
            """);
        // Real node, every argument recorded: the lister's file name is all it gets.
        var args = Path.Combine(dir.Path, "args.log");
        Fake(bin, "node", $"printf 'node %s\\n' \"$*\" >> {args}\nexec {ExternalTool.Require("node")} \"$@\"");
        Fake(bin, "sleep", "exit 3");
        var script = dir.Write("convex-local-exports.sh", LocalBackups.Script());
        using var backend = new VariablesBackend(VariablesBackend.Awkward);

        var environment = ScriptEnvironment(bin, backups, intervalSeconds: 86400);
        environment["CONVEX_SELF_HOSTED_URL"] = backend.Url;
        var result = ExternalTool.Run("sh", [script], dir.Path, environment);

        Assert.Equal(3, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(dir.Path, "ready")), result.Output);
        var written = Directory.GetFiles(backups, "convex-export-local-*.zip").Select(Path.GetFileName).Except([Path.GetFileName(recent), Path.GetFileName(longer)]).Single();
        Assert.Matches(@"^convex-export-local-\d{8}T\d{6}Z\.zip$", written);
        Assert.Contains($"scheduled export: {backups}/{written}", result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(old), "an export older than the retention is deleted");
        Assert.True(File.Exists(recent) && File.Exists(other) && File.Exists(keep) && File.Exists(longer), "newer exports, other stacks' and other files stay");
        Assert.False(File.Exists(oldEnv), "variables older than the retention are deleted with their export");
        Assert.True(File.Exists(recentEnv));
        Assert.Empty(Directory.GetFiles(backups, "*.partial", SearchOption.AllDirectories));
        Assert.DoesNotContain(AdminKey, result.Output, StringComparison.Ordinal);

        // The variables of this round: same stamp as the export, 0600, values only in the file, never on the log.
        var variables = Path.Combine(backups, written!.Replace("convex-export-", "convex-env-", StringComparison.Ordinal).Replace(".zip", ".json", StringComparison.Ordinal));
        var entry = LocalBackupFiles.Parse(Path.GetFileName(variables), "local");
        Assert.Equal(LocalBackupKind.Variables, entry?.Kind);
        // Read back with the parser restore uses: every value whole, the PEM key's newlines included.
        Assert.Equal(VariablesBackend.Awkward, DesiredEnvJson.Parse(File.ReadAllText(variables), variables));
        Assert.Equal([$"Convex {AdminKey}"], backend.Authorizations);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(variables));
        }
        Assert.Contains($"deployment variables: {variables}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("listed 4 deployment variable(s)", result.Stderr, StringComparison.Ordinal);
        var recorded = File.ReadAllText(args);
        Assert.Contains("node ", recorded, StringComparison.Ordinal);
        foreach (var line in VariablesBackend.SecretLines.Append(AdminKey))
        {
            Assert.DoesNotContain(line, result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(line, recorded, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Why the exporter no longer stores <c>npx convex env list</c>'s output: the pinned CLI prints <c>NAME=value</c> raw
    /// (convex 1.27.0 src/cli/lib/env.ts, envListInDeployment), and those lines read back lose the PEM key.
    /// </summary>
    [Fact]
    public void The_raw_listing_the_previous_exporter_stored_cannot_carry_the_values_the_json_file_does()
    {
        var raw = string.Concat(VariablesBackend.Awkward.Select(v => $"{v.Key}={v.Value}\n"));

        var parsed = (IReadOnlyDictionary<string, string>?)null;
        try
        {
            parsed = EnvListText.Parse(raw, "convex env list");
        }
        catch (FormatException)
        {
            // Refused outright is as lost as read wrong.
        }

        Assert.NotEqual(VariablesBackend.Awkward, parsed);
        // The old file name is not picked up by restore at all (the exporter's first version lived on main only).
        Assert.Null(LocalBackupFiles.Parse("convex-env-local-20261204T031700Z.env", "local"));
    }

    [Fact]
    public void A_failed_export_leaves_no_partial_file_and_the_loop_goes_on()
    {
        var backups = Directory.CreateDirectory(Path.Combine(dir.Path, "backups")).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(dir.Path, "bin")).FullName;
        Fake(bin, "npm", "exit 0");
        Fake(bin, "npx", """if [ "$3" = "--version" ]; then echo 1.27.0; exit 0; fi; printf 'half' > "$6"; exit 1""");
        Fake(bin, "sleep", "exit 3");
        var script = dir.Write("convex-local-exports.sh", LocalBackups.Script());

        var result = ExternalTool.Run("sh", [script], dir.Path, ScriptEnvironment(bin, backups, intervalSeconds: 60));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("scheduled export failed; the next try is in 60s", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(backups, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_script_passes_shellcheck()
    {
        var script = dir.Write("convex-local-exports.sh", LocalBackups.Script());

        var result = ExternalTool.Run("shellcheck", ["-s", "sh", script]);

        Assert.True(result.ExitCode == 0, result.Output);
    }

    /// <summary>What the exporter container gives the script: a fake bin first on PATH, one stack, 7 days' retention.</summary>
    private Dictionary<string, string> ScriptEnvironment(string bin, string backups, int intervalSeconds) => new()
    {
        ["PATH"] = bin + ":/usr/bin:/bin",
        ["CONVEX_CLI_VERSION"] = "1.27.0",
        ["EXPORT_PACKAGE_JSON"] = "{}",
        ["EXPORT_PACKAGE_LOCK"] = "{}",
        ["CONVEX_SELF_HOSTED_URL"] = "http://backend:3210",
        ["CONVEX_SELF_HOSTED_ADMIN_KEY"] = AdminKey,
        ["BACKUP_DIR"] = backups,
        ["BACKUP_KEEP"] = "true",
        ["BACKUP_NAME"] = "local",
        ["BACKUP_INTERVAL_SECONDS"] = intervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["BACKUP_RETENTION_DAYS"] = "7",
        [ListVariablesScript.Variable] = ListVariablesScript.Text,
        ["LIST_VARIABLES_FILE"] = Path.Combine(dir.Path, "list-variables.mjs"),
        ["CLI_DIR"] = Path.Combine(dir.Path, "cli"),
        ["READY_FILE"] = Path.Combine(dir.Path, "ready"),
    };

    private static string Touch(string folder, string name, DateTime modified)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, "zip");
        File.SetLastWriteTimeUtc(path, modified);
        return path;
    }

    private static void Fake(string bin, string name, string body)
    {
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
