using System.IO.Compression;
using ConvexInfra.Core.AdminKeys;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Facts;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Backup;

public sealed class ExportListingTests
{
    /// <summary>A zip in the layout of export-zip-layout: two root tables, an empty one, a component table, file storage.</summary>
    private static MemoryStream Zip(int storedFiles = 2)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, string text)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(text);
            }

            Add("README.md", "# Welcome\n");
            Add("_tables/documents.jsonl", "{\"name\":\"messages\",\"id\":10001}\n{\"name\":\"users\",\"id\":10002}\n{\"name\":\"empty\",\"id\":10003}\n");
            Add("messages/documents.jsonl", "{\"_id\":\"a\"}\n{\"_id\":\"b\"}\n{\"_id\":\"c\"}\n");
            Add("messages/generated_schema.jsonl", "\"uniform\"\n");
            Add("users/documents.jsonl", "{\"_id\":\"u\"}\n");
            Add("_components/ratelimiter/limits/documents.jsonl", "{\"_id\":\"r\"}\n");
            Add("_storage/documents.jsonl", "{\"_id\":\"k1\"}\n{\"_id\":\"k2\"}\n");
            for (var i = 0; i < storedFiles; i++)
            {
                Add($"_storage/k{i + 1}.png", "data");
            }
        }

        buffer.Position = 0;
        return buffer;
    }

    [Fact]
    public void The_listing_counts_documents_per_root_table_and_stored_files()
    {
        var listing = ExportListing.Read(Zip());

        Assert.Equal(new Dictionary<string, long> { ["empty"] = 0, ["messages"] = 3, ["users"] = 1 }, listing.Tables);
        Assert.True(listing.HasFileStorage);
        Assert.Equal(2, listing.Files);
        Assert.Equal(2, listing.FileEntries);
    }

    [Fact]
    public void The_layout_read_is_the_cited_one()
    {
        var sources = ConvexFacts.Embedded().Get("export-zip-layout").Sources;
        Assert.Contains(sources, s => s.Match.Contains("{table_name}/documents.jsonl", StringComparison.Ordinal));
        Assert.Contains(sources, s => s.Match.Contains("_storage/documents.jsonl", StringComparison.Ordinal));
        Assert.Contains(sources, s => s.Match.Contains("COMPONENTS_TABLE", StringComparison.Ordinal));
    }

    [Fact]
    public void An_export_missing_a_listed_file_fails_the_drill_by_itself()
    {
        var listing = ExportListing.Read(Zip(storedFiles: 1));
        var restored = new RestoredCounts(listing.Tables, 2);

        var problems = DrillReport.Judge(listing, restored, true, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), RecoveryPromise.For(Tier.Prod));

        Assert.Equal(["the export lists 2 stored file(s) in _storage/documents.jsonl but holds 1: the export itself is incomplete"], problems);
    }

    [Fact]
    public void Counts_that_match_pass_and_each_difference_is_named()
    {
        var listing = ExportListing.Read(Zip());
        Assert.Empty(DrillReport.Compare(listing, new RestoredCounts(new Dictionary<string, long> { ["messages"] = 3, ["users"] = 1, ["empty"] = 0, ["stale"] = 0 }, 2)));

        var problems = DrillReport.Compare(listing, new RestoredCounts(new Dictionary<string, long> { ["messages"] = 2, ["stale"] = 4 }, 1));

        Assert.Equal(
        [
            "table empty: the export lists 0 document(s), but the restored deployment has no such table",
            "table messages: the export lists 3 document(s), the restored deployment holds 2",
            "table users: the export lists 1 document(s), but the restored deployment has no such table",
            "table stale: not in the export, but the restored deployment holds 4 document(s) in it (was the import --replace-all?)",
            "file storage: the export lists 2 file(s), the restored deployment holds 1",
        ], problems);
    }

    [Fact]
    public void A_stale_export_or_a_slow_restore_breaks_the_tiers_promise()
    {
        var listing = ExportListing.Read(Zip());
        var restored = new RestoredCounts(listing.Tables, 2);
        var prod = RecoveryPromise.For(Tier.Prod);

        Assert.Empty(DrillReport.Judge(listing, restored, true, prod.ExportRpo, prod.Rto, prod));
        var problems = DrillReport.Judge(listing, restored, false, prod.ExportRpo + TimeSpan.FromMinutes(1), prod.Rto + TimeSpan.FromSeconds(1), prod);

        Assert.Equal(3, problems.Count);
        Assert.Contains("verify found problems", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("the newest export is 25 h 1 min old; the prod tier promises at most 25 h", problems[1], StringComparison.Ordinal);
        Assert.Equal("the restore took 2 h; the prod tier promises at most 2 h", problems[2]);
    }
}

public sealed class RecoveryPromiseTests
{
    [Theory]
    [InlineData(Tier.Dev, 7 * 24 + 1, 8)]
    [InlineData(Tier.Staging, 25, 4)]
    [InlineData(Tier.Prod, 25, 2)]
    public void Each_tier_promises_its_default_schedules_interval_plus_grace_and_a_restore_time(Tier tier, int rpoHours, int rtoHours)
    {
        var promise = RecoveryPromise.For(tier);

        Assert.Equal(TimeSpan.FromHours(rpoHours), promise.ExportRpo);
        Assert.Equal(TimeSpan.FromHours(rtoHours), promise.Rto);
    }

    [Theory]
    [InlineData(Tier.Dev)]
    [InlineData(Tier.Staging)]
    [InlineData(Tier.Prod)]
    public void The_rpo_promise_covers_the_default_export_schedule_of_the_tier(Tier tier)
    {
        // The schedule BackupPlan picks by default: a promise shorter than its interval could never be kept.
        var schedule = tier == Tier.Dev ? BackupPlan.WeeklySchedule : BackupPlan.DailySchedule;
        var runsPerWeek = ConvexInfra.Core.Cost.ScheduleRuns.PerMonth(schedule, 7 * 24);
        Assert.True(runsPerWeek > 0, schedule);
        Assert.True(RecoveryPromise.For(tier).ExportRpo >= TimeSpan.FromHours((double)(7 * 24 / runsPerWeek)) + RecoveryPromise.ScheduleGrace);
    }

    [Theory]
    [InlineData(38.44, "38.4 s")]
    [InlineData(14 * 60 + 5, "14 min 5 s")]
    [InlineData(2 * 3600, "2 h")]
    [InlineData(25 * 3600 + 60, "25 h 1 min")]
    [InlineData(3 * 86400 + 3600, "3 d 1 h")]
    public void Durations_read_as_the_docs_print_them(double seconds, string text) =>
        Assert.Equal(text, RecoveryPromise.Text(TimeSpan.FromSeconds(seconds)));
}

public sealed class DrillSandboxTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 3, 17, 0, TimeSpan.Zero);

    [Fact]
    public void The_container_gets_its_secret_only_through_the_env_file_and_the_key_is_issued_from_it()
    {
        var sandbox = DrillSandbox.Create("0123456789abcdef0123456789abcdef01234567", 3290, 3291, Now);

        var run = sandbox.Run("/tmp/drill.env");
        var env = sandbox.EnvFile().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        Assert.Equal(
            ["run", "--detach", "--name", "convex-drill-20261206t031700z", "--label", DrillSandbox.Label, "--env-file", "/tmp/drill.env",
                "--publish", "127.0.0.1:3290:3210", "--publish", "127.0.0.1:3291:3211", "ghcr.io/get-convex/convex-backend:0123456789abcdef0123456789abcdef01234567"],
            run);
        Assert.DoesNotContain(run, a => a.Contains(env["INSTANCE_SECRET"], StringComparison.Ordinal));
        Assert.Equal("convex-drill", env["INSTANCE_NAME"]);
        Assert.Equal("http://127.0.0.1:3290", env["CONVEX_CLOUD_ORIGIN"]);
        Assert.Equal("http://127.0.0.1:3291", env["CONVEX_SITE_ORIGIN"]);
        Assert.True(AdminKeyVerifier.Verify("convex-drill", InstanceSecret.Parse(env["INSTANCE_SECRET"]), sandbox.AdminKey()).Accepted);
        Assert.Equal(["rm", "--force", "--volumes", "convex-drill-20261206t031700z"], sandbox.Remove());
        Assert.DoesNotContain(env["INSTANCE_SECRET"], sandbox.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_drill_has_a_new_secret()
    {
        var a = DrillSandbox.Create(new string('a', 40), 3290, 3291, Now);
        var b = DrillSandbox.Create(new string('a', 40), 3290, 3291, Now);
        Assert.NotEqual(a.AdminKey(), b.AdminKey());
    }

    [Fact]
    public void A_missing_image_revision_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => DrillSandbox.Create("", 3290, 3291, Now));
        Assert.Contains("stack output imageRevision", error.Message, StringComparison.Ordinal);
    }
}
