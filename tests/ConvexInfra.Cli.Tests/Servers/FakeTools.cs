namespace ConvexInfra.Cli.Tests.Servers;

/// <summary>One recorded call of a fake executable: its arguments and its whole environment.</summary>
public sealed record ToolCall(string Tool, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Environment)
{
    public override string ToString() => $"{Tool} {string.Join(' ', Args)}";
}

/// <summary>
/// A folder of fake executables (aws, npx, pulumi) for PATH. Each records its arguments and environment, then runs the
/// bash answer the test gave it (a 'case' on "$1 $2" and the like). No real AWS, Node or Pulumi is involved.
/// </summary>
public sealed class FakeTools : IDisposable
{
    private int order;

    public FakeTools()
    {
        Bin = Directory.CreateTempSubdirectory("convex-infra-fake-bin-").FullName;
        Records = Directory.CreateTempSubdirectory("convex-infra-fake-calls-").FullName;
    }

    public string Bin { get; }

    public string Records { get; }

    /// <summary>PATH for the console: the fakes first, then the system (bash, env, cat).</summary>
    public string Path => Bin + System.IO.Path.PathSeparator + "/usr/bin:/bin";

    public void Add(string name, string answer)
    {
        var index = Interlocked.Increment(ref order);
        var script = $$"""
            #!/bin/bash
            n=$(date +%s%N)-$$
            record="{{Records}}/{{index:D2}}-{{name}}-${n}"
            printf '%s\0' "$@" > "${record}.args"
            env -0 > "${record}.env"
            {{answer}}
            """.ReplaceLineEndings("\n") + "\n";
        var path = System.IO.Path.Combine(Bin, name);
        File.WriteAllText(path, script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Every call so far, in the order they happened.</summary>
    public IReadOnlyList<ToolCall> Calls() => Directory.GetFiles(Records, "*.args")
        .Select(f => (File: f, Stamp: System.IO.Path.GetFileName(f).Split('-', 3)[2]))
        .OrderBy(f => f.Stamp, StringComparer.Ordinal)
        .Select(f => new ToolCall(
            System.IO.Path.GetFileName(f.File).Split('-')[1],
            File.ReadAllText(f.File).Split('\0', StringSplitOptions.None)[..^1],
            File.ReadAllText(f.File[..^".args".Length] + ".env").Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1])))
        .ToList();

    public IReadOnlyList<ToolCall> Calls(string tool) => Calls().Where(c => c.Tool == tool).ToList();

    public void Dispose()
    {
        Directory.Delete(Bin, recursive: true);
        Directory.Delete(Records, recursive: true);
    }
}
