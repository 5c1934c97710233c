using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Workflows.Simulator;

internal enum Approval
{
    Approve,
    Reject,
    NoAnswer,
}

/// <summary>A GitHub environment: its variables, secrets, and whether it has required reviewers.</summary>
internal sealed class SimEnvironment
{
    public Dictionary<string, string> Vars { get; } = [];

    public Dictionary<string, string> Secrets { get; } = [];

    public bool Reviewers { get; init; }
}

/// <summary>
/// A simulated GitHub repository: a real git repository holding the committed workflows, scripts and stack files
/// of this repo, the repository's variables, secrets and environments, and the state the fake tools keep between
/// runs (stack tags, what each stack runs, deployed functions). The fakes are the files of Fakes/, put on PATH.
/// </summary>
internal sealed class SimRepo : IDisposable
{
    public const string Repository = "acme/convex-infra";

    private readonly TempDir dir = new();

    public SimRepo()
    {
        Directory.CreateDirectory(Origin);
        Directory.CreateDirectory(State);
        Directory.CreateDirectory(Bin);
        foreach (var fake in Directory.GetFiles(Path.Combine(WorkflowYaml.Root, "tests", "ConvexInfra.Core.Tests", "Workflows", "Simulator", "Fakes")))
        {
            var target = Path.Combine(Bin, Path.GetFileName(fake));
            File.Copy(fake, target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        Git("init", "--quiet", "--initial-branch=main");
        Git("config", "user.email", "sim@example.com");
        Git("config", "user.name", "sim");
        foreach (var file in Directory.GetFiles(WorkflowYaml.Root, "Pulumi*.yaml"))
        {
            File.Copy(file, Path.Combine(Origin, Path.GetFileName(file)));
        }

        // CONVEX_INFRA_SIM_BASE=<commit> runs the scenarios against the workflows and scripts of that commit instead
        // (how the report shows which scenarios failed before a fix); unset, the working tree's are used.
        if (System.Environment.GetEnvironmentVariable("CONVEX_INFRA_SIM_BASE") is { Length: > 0 } baseCommit)
        {
            var archive = Path.Combine(Root, "base.tar");
            GitIn(WorkflowYaml.Root, "archive", "--output", archive, baseCommit, ".github");
            Tools.ExternalTool.Check("tar", "-xf", archive, "-C", Origin);
        }
        else
        {
            CopyTree(Path.Combine(WorkflowYaml.Root, ".github"), Path.Combine(Origin, ".github"));
        }

        // The build and tests are simulated as passing (the fake dotnet records the calls): ci's test job is not what
        // these scenarios are about.
        Directory.CreateDirectory(Path.Combine(Origin, "scripts"));
        File.WriteAllText(Path.Combine(Origin, "scripts", "check-format.sh"), "dotnet format --verify-no-changes\n");
        File.WriteAllText(Path.Combine(Origin, "scripts", "test.sh"), "dotnet test\n");
    }

    public string Root => dir.Path;

    public string Origin => Path.Combine(dir.Path, "origin");

    public string State => Path.Combine(dir.Path, "state");

    public string Bin => Path.Combine(dir.Path, "bin");

    public Dictionary<string, string> Vars { get; } = [];

    public Dictionary<string, string> Secrets { get; } = [];

    /// <summary>Dependabot's own secret store: the only secrets a run triggered by Dependabot gets.</summary>
    public Dictionary<string, string> DependabotSecrets { get; } = [];

    public Dictionary<string, SimEnvironment> Environments { get; } = [];

    /// <summary>Other repositories a checkout step may name (owner/name → a git repository).</summary>
    public Dictionary<string, string> OtherRepos { get; } = [];

    public List<string> Commits { get; } = [];

    public string Head => Commits[^1];

    public SimEnvironment Environment(string name, bool reviewers = false)
    {
        if (!Environments.TryGetValue(name, out var environment))
        {
            Environments[name] = environment = new SimEnvironment { Reviewers = reviewers };
        }

        return environment;
    }

    /// <summary>Commits the working tree of the origin (after <paramref name="change"/>) and returns the SHA.</summary>
    public string Commit(string message, Action<string>? change = null)
    {
        change?.Invoke(Origin);
        Git("add", "-A");
        Git("commit", "--quiet", "--allow-empty", "-m", message);
        var sha = Git("rev-parse", "HEAD").Trim();
        Commits.Add(sha);
        return sha;
    }

    /// <summary>A fact the fakes read (under state/), e.g. Fake("fail-up/dev", "1").</summary>
    public void Fake(string key, string value)
    {
        var path = Path.Combine(State, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, value);
    }

    public void Unfake(string key) => File.Delete(Path.Combine(State, key));

    public string? Read(string key) => File.Exists(Path.Combine(State, key)) ? File.ReadAllText(Path.Combine(State, key)).Trim() : null;

    /// <summary>What a stack runs now: the commit of its last successful <c>pulumi up</c> (the fake's truth).</summary>
    public string? Running(string stack) => Read($"running/{stack}");

    /// <summary>The calls of one fake tool, or of all of them (null), in the order they were made.</summary>
    public IReadOnlyList<Call> Calls(string? tool) =>
        File.Exists(Path.Combine(State, "calls.log"))
            ? File.ReadAllLines(Path.Combine(State, "calls.log")).Select(Call.Parse).Where(c => tool is null || c.Tool == tool).ToList()
            : [];

    public string Git(params string[] args) => GitIn(Origin, args);

    public static string GitIn(string directory, params string[] args)
    {
        var result = ExternalTool.Run("git", args, directory, new Dictionary<string, string> { ["GIT_CONFIG_GLOBAL"] = "/dev/null", ["GIT_AUTHOR_DATE"] = "2026-12-06T12:00:00Z", ["GIT_COMMITTER_DATE"] = "2026-12-06T12:00:00Z" });
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', args)}: {result.Output}");
        return result.Stdout;
    }

    public void Dispose() => dir.Dispose();

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>One call of a fake tool: the run and job that made it, and its arguments.</summary>
internal sealed record Call(int Run, string Job, string Tool, string Args)
{
    public static Call Parse(string line)
    {
        var parts = line.Split('\t', 4);
        return new Call(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1], parts[2], parts[3]);
    }

    /// <summary>The stack of a pulumi call (--stack X or -s X), without the organization.</summary>
    public string? Stack
    {
        get
        {
            var words = Args.Split(' ');
            var i = Array.FindIndex(words, w => w is "--stack" or "-s");
            return i >= 0 && i + 1 < words.Length ? words[i + 1].Split('/')[^1] : null;
        }
    }

    /// <summary>The pulumi verb: "up", "preview", "stack tag set", …</summary>
    public string Verb => string.Join(' ', Args.Split(' ').TakeWhile(w => !w.StartsWith('-')).Take(Args.StartsWith("stack", StringComparison.Ordinal) ? 3 : 1));
}
