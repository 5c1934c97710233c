using System.Text.Json;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Facts;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Spec;

namespace ConvexInfra.Core.Tests.Facts;

/// <summary>
/// The Convex facts table itself: well formed, every row cited (file, line, the text on that line), and cited at the
/// revision the repository's stacks run. Moving <c>imageRevision</c> fails here until the table is re-cited at the new
/// revision (scripts/check-convex-facts.sh checks the citations against a clone).
/// </summary>
public sealed partial class ConvexFactsTableTests
{
    private static readonly string[] Kinds =
        ["env", "function-env", "cli-env", "cli-command", "cli-flag", "path", "function", "header", "port", "image", "limit", "rule", "message", "behaviour", "absent", "metric"];

    private static readonly ConvexFacts Table = ConvexFacts.Embedded();

    [Fact]
    public void Every_fact_has_an_id_a_known_kind_and_at_least_one_citation()
    {
        Assert.NotEmpty(Table.Facts);
        Assert.Equal(Table.Facts.Count, Table.Facts.Select(f => f.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(Table.Facts, fact =>
        {
            Assert.Matches(IdPattern(), fact.Id);
            Assert.Contains(fact.Kind, Kinds);
            Assert.False(string.IsNullOrWhiteSpace(fact.Name), fact.Id);
            Assert.False(string.IsNullOrWhiteSpace(fact.Statement), fact.Id);
            Assert.NotEmpty(fact.Sources);
            Assert.All(fact.Sources, source =>
            {
                Assert.True(source.Line > 0, $"{fact.Id}: line {source.Line}");
                Assert.False(source.File.StartsWith('/'), $"{fact.Id}: {source.File} must be relative to the repository");
                Assert.False(string.IsNullOrWhiteSpace(source.Match), $"{fact.Id}: a citation needs the text on its line");
                Assert.True(source.Match.Length <= 120, $"{fact.Id}: quote a short text, not upstream code");
                Assert.True(source.Revision is null || Sha().IsMatch(source.Revision), $"{fact.Id}: revision {source.Revision}");
                Assert.True(source.Repository is null || source.Revision is not null, $"{fact.Id}: a source in {source.Repository} names its revision");
            });
        });
    }

    [Fact]
    public void Limits_have_a_number_and_the_figure_the_docs_print()
    {
        Assert.All(Table.Facts.Where(f => f.Kind == "limit"), fact =>
        {
            Assert.True(Table.Number(fact.Id) > 0, fact.Id);
            Assert.False(string.IsNullOrEmpty(fact.Figure), $"{fact.Id} has no figure for the docs");
        });
    }

    [Fact]
    public void The_table_is_cited_at_the_image_revision_of_every_repository_stack()
    {
        Assert.Equal("get-convex/convex-backend", Table.Repository);
        Assert.Matches(Sha(), Table.Revision);
        var stacks = Directory.GetFiles(RepoRootFinder.Find(), "Pulumi.*.yaml");
        Assert.NotEmpty(stacks);
        foreach (var file in stacks)
        {
            var result = SettingsReader.Read(StackFile.Load(file));
            Assert.True(result.IsValid, result.ErrorReport);
            Assert.True(result.Spec!.ImageRevision == Table.Revision,
                $"{Path.GetFileName(file)} runs {result.Spec.ImageRevision}, but convex-facts.json is cited at {Table.Revision}: re-cite the table at the new revision (scripts/check-convex-facts.sh) and set its revision");
        }
    }

    [Fact]
    public void Parse_rejects_unknown_fields_and_missing_citations()
    {
        Assert.Throws<JsonException>(() => ConvexFacts.Parse("""{"repository":"r","revision":"x","note":"n","facts":[],"extra":1}"""));
        Assert.Throws<JsonException>(() => ConvexFacts.Parse("""{"repository":"r","revision":"x","note":"n","facts":[{"id":"a","kind":"env","name":"A","statement":"s"}]}"""));
    }

    [Fact]
    public void Get_names_a_missing_fact_and_citation_names_file_and_line()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Table.Get("no-such-fact"));
        Assert.Contains("no-such-fact", error.Message, StringComparison.Ordinal);
        Assert.Equal("get-convex/convex-backend@652b828 crates/common/src/knobs.rs:1653", Table.Citation("limit-http-request-timeout"));
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex Sha();
}
