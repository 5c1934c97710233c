namespace ConvexInfra.Core.Tests.Tools;

/// <summary>A scratch directory deleted when the test ends.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "convex-infra-tests-" + Guid.NewGuid().ToString("N"));

    public string Write(string relativePath, string content, UnixFileMode? mode = null)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        if (mode is { } m && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(full, m);
        }

        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp dir must not fail a test.
        }
    }
}
