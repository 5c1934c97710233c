using System.Globalization;
using System.Text;
using ConvexInfra.Core.Ops;

namespace ConvexInfra.Core.Backup;

/// <summary>What the restored deployment holds after the drill's import: documents per table and stored files.</summary>
public sealed record RestoredCounts(IReadOnlyDictionary<string, long> Tables, long Files);

/// <summary>How long each step of a drill took; <see cref="Restore"/> is the recovery time the drill measures.</summary>
public sealed record DrillTimings(TimeSpan Download, TimeSpan StartTarget, TimeSpan Import, TimeSpan DeploymentEnv, TimeSpan Verify)
{
    /// <summary>From fetching the export to the deployment holding its data and variables: the measured RTO.</summary>
    public TimeSpan Restore => Download + StartTarget + Import + DeploymentEnv;
}

/// <summary>The outcome of one <c>restore --drill</c>: what was restored where, how old and how long, and what differed.</summary>
public sealed record DrillReport(
    string Source,
    DateTimeOffset ExportedAt,
    DateTimeOffset StartedAt,
    string Target,
    ExportListing Listing,
    RestoredCounts? Restored,
    int DeploymentVariables,
    DrillTimings Timings,
    bool VerifyHealthy,
    RecoveryPromise Promise,
    IReadOnlyList<string> Problems,
    DatabaseCopyResult? DatabaseCopy = null)
{
    /// <summary>The recovery point: how old the newest export was when the drill started.</summary>
    public TimeSpan Rpo => StartedAt - ExportedAt;

    public bool Passed => Problems.Count == 0;

    /// <summary>Every reason the drill fails: count differences, a failed verify, a broken promise.</summary>
    public static IReadOnlyList<string> Judge(ExportListing listing, RestoredCounts? restored, bool verifyHealthy, TimeSpan rpo, TimeSpan restore, RecoveryPromise promise)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(promise);
        var problems = new List<string>();
        if (listing.HasFileStorage && listing.FileEntries != listing.Files)
        {
            problems.Add($"the export lists {listing.Files} stored file(s) in _storage/documents.jsonl but holds {listing.FileEntries}: the export itself is incomplete");
        }

        if (restored is null)
        {
            problems.Add("the restored deployment could not be counted (see the error above)");
        }
        else
        {
            problems.AddRange(Compare(listing, restored));
        }

        if (!verifyHealthy)
        {
            problems.Add("verify found problems in the restored deployment (see its FAIL lines)");
        }

        if (rpo > promise.ExportRpo)
        {
            problems.Add($"the newest export is {RecoveryPromise.Text(rpo)} old; the {Tier(promise)} tier promises at most {RecoveryPromise.Text(promise.ExportRpo)}: " +
                "check that the export schedule runs (convex-infra logs --stack STACK --source export), or give --max-rpo for a custom exportSchedule");
        }

        if (restore > promise.Rto)
        {
            problems.Add($"the restore took {RecoveryPromise.Text(restore)}; the {Tier(promise)} tier promises at most {RecoveryPromise.Text(promise.Rto)}");
        }

        return problems;
    }

    /// <summary>As above, plus the problems of the database backup copy check (<see cref="DatabaseCopyCheck"/>).</summary>
    public static IReadOnlyList<string> Judge(ExportListing listing, RestoredCounts? restored, bool verifyHealthy, TimeSpan rpo, TimeSpan restore, RecoveryPromise promise, DatabaseCopyResult databaseCopy)
    {
        ArgumentNullException.ThrowIfNull(databaseCopy);
        return [.. Judge(listing, restored, verifyHealthy, rpo, restore, promise), .. databaseCopy.Problems];
    }

    /// <summary>Each table of the export must hold as many documents after the restore, and no other table any; the same for files.</summary>
    public static IReadOnlyList<string> Compare(ExportListing listing, RestoredCounts restored)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(restored);
        var problems = new List<string>();
        foreach (var (table, expected) in listing.Tables)
        {
            if (!restored.Tables.TryGetValue(table, out var actual))
            {
                problems.Add($"table {table}: the export lists {expected} document(s), but the restored deployment has no such table");
            }
            else if (actual != expected)
            {
                problems.Add($"table {table}: the export lists {expected} document(s), the restored deployment holds {actual}");
            }
        }

        foreach (var (table, actual) in restored.Tables.Where(t => !listing.Tables.ContainsKey(t.Key) && t.Value > 0))
        {
            problems.Add($"table {table}: not in the export, but the restored deployment holds {actual} document(s) in it (was the import --replace-all?)");
        }

        if (listing.HasFileStorage && restored.Files != listing.Files)
        {
            problems.Add($"file storage: the export lists {listing.Files} file(s), the restored deployment holds {restored.Files}");
        }

        return problems;
    }

    /// <summary>Plain text for the terminal (standard output).</summary>
    public string Text()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"drill: {Source} → {Target}");
        foreach (var line in Lines())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {line.Label}: {line.Value}");
        }

        foreach (var (table, expected) in Listing.Tables)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  table {table}: export {expected}, restored {Restored?.Tables.GetValueOrDefault(table).ToString(CultureInfo.InvariantCulture) ?? "?"}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  files: export {(Listing.HasFileStorage ? Listing.Files.ToString(CultureInfo.InvariantCulture) : "none (no file storage in the export)")}, restored {Restored?.Files.ToString(CultureInfo.InvariantCulture) ?? "?"}");
        foreach (var problem in Problems)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  FAIL {problem}");
        }

        text.AppendLine(Passed ? "drill: PASSED" : $"drill: FAILED ({Problems.Count} problem(s))");
        return text.ToString();
    }

    /// <summary>Markdown for a CI job summary ($GITHUB_STEP_SUMMARY).</summary>
    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## Restore drill: {(Passed ? "passed" : "FAILED")}");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| export | `{Source}` |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| restored into | {Target} |");
        foreach (var line in Lines())
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {line.Label} | {line.Value} |");
        }

        md.AppendLine();
        md.AppendLine("| table | in the export | after the restore |");
        md.AppendLine("|---|---:|---:|");
        foreach (var (table, expected) in Listing.Tables)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| `{table}` | {expected} | {Restored?.Tables.GetValueOrDefault(table).ToString(CultureInfo.InvariantCulture) ?? "?"} |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| stored files | {(Listing.HasFileStorage ? Listing.Files.ToString(CultureInfo.InvariantCulture) : "–")} | {Restored?.Files.ToString(CultureInfo.InvariantCulture) ?? "?"} |");
        if (Problems.Count > 0)
        {
            md.AppendLine();
            foreach (var problem in Problems)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- **FAIL** {problem}");
            }
        }

        return md.ToString();
    }

    private IEnumerable<(string Label, string Value)> Lines()
    {
        yield return ("exported at", ExportedAt.ToString("u", CultureInfo.InvariantCulture));
        yield return ("RPO (age of the newest export)", $"{RecoveryPromise.Text(Rpo)} (promised ≤ {RecoveryPromise.Text(Promise.ExportRpo)}, {Tier(Promise)} tier)");
        yield return ("restore time (RTO)", $"{RecoveryPromise.Text(Timings.Restore)} (promised ≤ {RecoveryPromise.Text(Promise.Rto)}): download {RecoveryPromise.Text(Timings.Download)}, " +
            $"start {RecoveryPromise.Text(Timings.StartTarget)}, import {RecoveryPromise.Text(Timings.Import)}, variables {RecoveryPromise.Text(Timings.DeploymentEnv)}");
        yield return ("deployment variables put back", DeploymentVariables.ToString(CultureInfo.InvariantCulture));
        yield return ("verify", $"{(VerifyHealthy ? "healthy" : "problems")} ({RecoveryPromise.Text(Timings.Verify)})");
        if (DatabaseCopy is { } copy)
        {
            // Checked apart from the restore: its time is not part of the RTO.
            var took = copy.Outcome == DrillCheckOutcome.Skipped ? string.Empty : $" ({RecoveryPromise.Text(copy.Took)}, not part of the RTO)";
            yield return ("database backup copy", $"{OutcomeText(copy.Outcome)}: {copy.Summary}{took}");
        }
    }

    private static string OutcomeText(DrillCheckOutcome outcome) => outcome switch
    {
        DrillCheckOutcome.Passed => "replicating",
        DrillCheckOutcome.Warning => "not yet replicating",
        DrillCheckOutcome.Failed => "FAILED",
        _ => "skipped",
    };

    private static string Tier(RecoveryPromise promise) => promise.Tier.ToString().ToLowerInvariant();
}
