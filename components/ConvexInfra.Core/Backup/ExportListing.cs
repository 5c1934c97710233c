using System.IO.Compression;

namespace ConvexInfra.Core.Backup;

/// <summary>What an export says it holds: documents per table of the root component and stored files.</summary>
/// <param name="Tables">Table name → documents (lines of its documents.jsonl); tables listed in _tables with no file count 0.</param>
/// <param name="Files">Stored files: lines of _storage/documents.jsonl (one metadata line per file).</param>
/// <param name="FileEntries">_storage/&lt;id&gt;[.ext] entries beside the metadata; an export that holds all its files has one per metadata line.</param>
public sealed record ExportListing(IReadOnlyDictionary<string, long> Tables, bool HasFileStorage, long Files, long FileEntries)
{
    /// <summary>
    /// Reads the export's own listing, in the layout of the facts table's export-zip-layout (crates/exports at the pinned
    /// revision): <c>&lt;table&gt;/documents.jsonl</c> with one document per line, <c>_tables/documents.jsonl</c> naming
    /// every exported user table, <c>_storage/documents.jsonl</c> with one line per stored file and one
    /// <c>_storage/&lt;id&gt;</c> entry per file. Tables of components (under <c>_components/</c>) are not counted: the
    /// drill compares the root component, which is what the count queries see.
    /// </summary>
    public static ExportListing Read(Stream zip)
    {
        ArgumentNullException.ThrowIfNull(zip);
        try
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            var tables = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var storage = false;
            long files = 0;
            long entries = 0;
            foreach (var entry in archive.Entries)
            {
                var parts = entry.FullName.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2)
                {
                    continue;
                }

                if (parts[0] == "_tables" && parts[1] == "documents.jsonl")
                {
                    foreach (var line in Lines(entry))
                    {
                        if (TableName(line) is { } name)
                        {
                            tables.TryAdd(name, 0);
                        }
                    }
                }
                else if (parts[0] == "_storage")
                {
                    storage = true;
                    if (parts[1] == "documents.jsonl")
                    {
                        files = Lines(entry).Count();
                    }
                    else
                    {
                        entries++;
                    }
                }
                else if (!parts[0].StartsWith('_') && parts[1] == "documents.jsonl")
                {
                    tables[parts[0]] = Lines(entry).Count();
                }
            }

            return new ExportListing(tables, storage, files, entries);
        }
        catch (InvalidDataException e)
        {
            throw new FormatException($"not a ZIP file ({e.Message}); expected the .zip that 'npx convex export' writes", e);
        }
    }

    private static IEnumerable<string> Lines(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open());
        while (reader.ReadLine() is { } line)
        {
            if (line.Trim().Length > 0)
            {
                yield return line;
            }
        }
    }

    private static string? TableName(string line)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(line);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("name", out var name) && name.ValueKind == System.Text.Json.JsonValueKind.String
                ? name.GetString()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
