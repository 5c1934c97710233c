using System.IO.Compression;
using System.Text;

namespace ConvexInfra.Core.Backup;

/// <summary>What a snapshot export holds, as far as restore shows it before replacing anything.</summary>
public sealed record SnapshotContents(IReadOnlyList<string> Tables, bool HasFileStorage, int StoredFiles);

/// <summary>
/// The ZIP layout of <c>npx convex export</c> (also what a Convex Cloud deployment exports): one folder per table
/// holding <c>documents.jsonl</c>, <c>_tables/documents.jsonl</c> listing the tables, and with
/// <c>--include-file-storage</c> a <c>_storage</c> folder (npm-packages/docs/docs/database/import-export/export.mdx).
/// </summary>
public static class SnapshotZip
{
    public static SnapshotContents Describe(Stream zip)
    {
        ArgumentNullException.ThrowIfNull(zip);
        try
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            var tables = new SortedSet<string>(StringComparer.Ordinal);
            var files = 0;
            var storage = false;
            foreach (var entry in archive.Entries)
            {
                var parts = entry.FullName.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && parts[1] == "documents.jsonl" && !parts[0].StartsWith('_'))
                {
                    tables.Add(parts[0]);
                }
                else if (parts.Length >= 1 && parts[0] == "_storage")
                {
                    storage = true;
                    files += parts.Length == 2 && parts[1] != "documents.jsonl" ? 1 : 0;
                }
            }

            return new SnapshotContents([.. tables], storage, files);
        }
        catch (InvalidDataException e)
        {
            throw new FormatException($"not a ZIP file ({e.Message}); expected the .zip that 'npx convex export' writes", e);
        }
    }

    /// <summary>
    /// A snapshot with no table: imported with <c>--replace-all</c> it empties every user table and, through its empty
    /// <c>_storage</c> table, file storage (the backend's import deletes the rows of every table it replaces:
    /// crates/application/src/snapshot_import, ImportMode::ReplaceAll). Deployed code, environment variables, the
    /// instance secret and the admin key are not tables and stay as they are.
    /// </summary>
    public static byte[] Empty()
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(archive, "README.md", "Empty snapshot written by convex-infra reset: importing it with --replace-all empties the deployment.\n");
            Add(archive, "_tables/documents.jsonl", string.Empty);
            Add(archive, "_storage/documents.jsonl", string.Empty);
        }

        return buffer.ToArray();
    }

    private static void Add(ZipArchive archive, string name, string content)
    {
        // A fixed timestamp keeps the bytes the same on every run.
        var entry = archive.CreateEntry(name, CompressionLevel.NoCompression);
        entry.LastWriteTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var stream = entry.Open();
        var bytes = Encoding.UTF8.GetBytes(content);
        stream.Write(bytes);
    }
}
