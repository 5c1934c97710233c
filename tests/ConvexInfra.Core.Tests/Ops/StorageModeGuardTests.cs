using ConvexInfra.Core.Facts;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Spec;

namespace ConvexInfra.Core.Tests.Ops;

public class StorageModeGuardTests
{
    /// <summary>The previous pin, whose run_backend.sh still required static keys for S3.</summary>
    private const string StaticKeys = "4d3b0a5de955a258e70e3813bbff486051d88820";
    private const string Pinned = "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf";
    private const string Later = "c1a7ac393888d743e704de56cf569a154b4526d4";

    private static readonly ConvexFacts Table = ConvexFacts.Embedded();

    private static StorageModeGuard Aws(bool confirmed = false) => new(StorageModeGuard.Revisions(Table), confirmed);

    [Fact]
    public void The_revisions_come_from_the_facts_table_cited_at_the_key_check_of_each_revision()
    {
        var revisions = StorageModeGuard.Revisions(Table);
        Assert.Contains(StaticKeys, revisions);
        Assert.DoesNotContain(Pinned, revisions);

        // Every listed revision is backed by a citation of its own run_backend.sh key check.
        var sources = Table.Get(StorageModeGuard.FactId).Sources;
        Assert.All(revisions, revision => Assert.Contains(sources, s =>
            s.Revision == revision && s.File == "self-hosted/docker-build/run_backend.sh" && s.Match.Contains("AWS_ACCESS_KEY_ID", StringComparison.Ordinal)));
    }

    [Fact]
    public void Leaving_a_static_key_revision_is_refused_naming_the_key_the_reason_and_the_fix()
    {
        var decision = RevisionHistory.Decide([StaticKeys], Pinned, allowDowngrade: false, Aws());

        Assert.False(decision.Allowed);
        Assert.False(decision.IsDowngrade);
        Assert.Equal([StaticKeys], decision.NextHistory);
        Assert.StartsWith($"convex-infra:imageRevision: got {Pinned}, but this stack ran {StaticKeys}", decision.Message, StringComparison.Ordinal);
        Assert.Contains("local disk", decision.Message, StringComparison.Ordinal);
        Assert.Contains("--include-file-storage", decision.Message, StringComparison.Ordinal);
        Assert.Contains("--replace-all", decision.Message, StringComparison.Ordinal);
        Assert.Contains("pulumi config set convex-infra:storageMigrationConfirmed true", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_docs_section_the_refusal_names_exists()
    {
        var decision = RevisionHistory.Decide([StaticKeys], Pinned, allowDowngrade: false, Aws());
        var section = System.Text.RegularExpressions.Regex.Match(decision.Message, "docs/aws.md \"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(section);
        Assert.Contains($"### {section}\n", File.ReadAllText(Path.Combine(RepoRootFinder.Find(), "docs", "aws.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_static_key_revision_anywhere_in_the_history_counts_and_the_allowance_for_downgrades_does_not_lift_it()
    {
        Assert.False(RevisionHistory.Decide([StaticKeys, Pinned], Later, allowDowngrade: true, Aws()).Allowed);
        Assert.False(RevisionHistory.Decide([StaticKeys, Pinned], Pinned, allowDowngrade: false, Aws()).Allowed);
    }

    [Fact]
    public void Confirming_the_migration_allows_the_upgrade()
    {
        var decision = RevisionHistory.Decide([StaticKeys], Pinned, allowDowngrade: false, Aws(confirmed: true));

        Assert.True(decision.Allowed);
        Assert.Equal([StaticKeys, Pinned], decision.NextHistory);
    }

    [Fact]
    public void Stacks_that_never_ran_a_static_key_revision_and_staying_on_one_are_not_refused()
    {
        Assert.True(RevisionHistory.Decide([Pinned], Later, allowDowngrade: false, Aws()).Allowed);
        Assert.True(RevisionHistory.Decide([], Pinned, allowDowngrade: false, Aws()).Allowed);
        Assert.True(RevisionHistory.Decide([StaticKeys], StaticKeys, allowDowngrade: false, Aws()).Allowed);
    }

    [Fact]
    public void Only_aws_targets_are_guarded()
    {
        var local = TestConfigs.ReadValid(TestConfigs.Local(("storageMigrationConfirmed", "false")));
        Assert.Same(StorageModeGuard.None, StorageModeGuard.For(local, Table));
        Assert.True(RevisionHistory.Decide([StaticKeys], Pinned, allowDowngrade: false, StorageModeGuard.For(local, Table)).Allowed);

        var aws = TestConfigs.ReadValid(TestConfigs.Aws("dev"));
        Assert.False(RevisionHistory.Decide([StaticKeys], Pinned, allowDowngrade: false, StorageModeGuard.For(aws, Table)).Allowed);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData(null, false)]
    public void The_setting_is_read_as_a_boolean_and_reaches_the_guard(string? text, bool expected)
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("dev", ("storageMigrationConfirmed", text)));
        Assert.Equal(expected, spec.Extensions.StorageMigrationConfirmed);
        Assert.Equal(expected, StorageModeGuard.For(spec, Table).MigrationConfirmed);
    }

    [Fact]
    public void A_non_boolean_setting_is_an_error_naming_the_key()
    {
        var errors = TestConfigs.ReadErrors(TestConfigs.Aws("dev", ("storageMigrationConfirmed", "yes")));
        Assert.Contains(errors, e => e.ToString().Contains("convex-infra:storageMigrationConfirmed", StringComparison.Ordinal));
    }
}
