using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Tests.Workflows.Simulator;

/// <summary>
/// One job on a simulated runner: a fresh workspace and RUNNER_TEMP, the steps in order with their <c>if:</c>,
/// <c>env:</c> and the files GitHub gives a step (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY),
/// workflow commands (<c>::notice</c>, <c>::error</c>, <c>::warning</c>) read from the output.
/// </summary>
internal sealed partial class JobExecution(
    SimRepo repo, RunContext context, JobResult result, YamlMappingNode job, Expr.Scope scope, YamlMappingNode? workflowEnv)
{
    private readonly Dictionary<string, string> env = [];
    private readonly JsonObject steps = [];
    private readonly List<string> path = [];
    private string workspace = "";
    private string temp = "";
    private bool failed;

    public void Run()
    {
        var root = Path.Combine(repo.Root, "runs", context.RunId.ToString(CultureInfo.InvariantCulture), Regex.Replace(result.Key, "[^A-Za-z0-9_-]", "_"));
        workspace = Path.Combine(root, "workspace");
        temp = Path.Combine(root, "temp");
        Directory.CreateDirectory(workspace);
        Directory.CreateDirectory(Path.Combine(temp, "home"));
        foreach (var source in new[] { workflowEnv, Optional(job, "env") })
        {
            foreach (var (k, v) in Pairs(source))
            {
                env[k.ToString()] = Expr.Interpolate(v.ToString(), Scope());
            }
        }

        var index = 0;
        foreach (var step in job.Steps())
        {
            var id = step.Text("id") ?? $"__step{index++}";
            var stepScope = Scope() with { Status = f => f switch { "success" => !failed, "failure" => failed, "always" => true, _ => false } };
            if (!Expr.Condition(step.Text("if"), stepScope))
            {
                steps[id] = new JsonObject { ["outcome"] = "skipped", ["outputs"] = new JsonObject() };
                continue;
            }

            var stepEnv = new Dictionary<string, string>(env);
            foreach (var (k, v) in Pairs(Optional(step, "env")))
            {
                stepEnv[k.ToString()] = Expr.Interpolate(v.ToString(), Scope(stepEnv));
            }

            var label = step.Text("name") ?? step.Text("uses") ?? step.Text("run")!.Split('\n')[0];
            var outputs = new JsonObject();
            bool ok;
            if (step.Text("run") is { } script)
            {
                ok = RunScript(Expr.Interpolate(script, Scope(stepEnv)), stepEnv, outputs, label);
            }
            else
            {
                var with = new Dictionary<string, string>();
                foreach (var (k, v) in Pairs(Optional(step, "with")))
                {
                    with[k.ToString()] = Expr.Interpolate(v.ToString(), Scope(stepEnv));
                }

                ok = ActionStub(step.Text("uses")!, with, stepEnv, label);
            }

            failed |= !ok;
            steps[id] = new JsonObject { ["outcome"] = ok ? "success" : "failure", ["outputs"] = outputs };
        }

        foreach (var (name, value) in Pairs(Optional(job, "outputs")))
        {
            result.Outputs[name.ToString()] = Expr.Interpolate(value.ToString(), Scope());
        }

        result.Status = failed ? JobStatus.Failure : JobStatus.Success;
    }

    private static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Pairs(YamlMappingNode? node) =>
        node?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>();

    private static YamlMappingNode? Optional(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (YamlMappingNode)child : null;

    private Expr.Scope Scope(Dictionary<string, string>? stepEnv = null)
    {
        var contexts = new Dictionary<string, JsonNode?>(scope.Contexts)
        {
            ["steps"] = steps.DeepClone(),
            ["runner"] = new JsonObject { ["temp"] = temp, ["os"] = "Linux" },
        };
        var envContext = new JsonObject();
        foreach (var (k, v) in stepEnv ?? env)
        {
            envContext[k] = v;
        }

        contexts["env"] = envContext;
        return new Expr.Scope(contexts);
    }

    private Dictionary<string, string> ProcessEnvironment(Dictionary<string, string> stepEnv, string output, string githubEnv, string githubPath, string summary)
    {
        var github = (JsonObject)scope.Contexts["github"]!;
        var processEnv = new Dictionary<string, string>
        {
            ["PATH"] = string.Join(':', new[] { repo.Bin }.Concat(path).Append("/usr/local/bin:/usr/bin:/bin")),
            ["HOME"] = Path.Combine(temp, "home"),
            ["CI"] = "true",
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_EVENT_NAME"] = github["event_name"]!.ToString(),
            ["GITHUB_REF"] = github["ref"]!.ToString(),
            ["GITHUB_SHA"] = github["sha"]!.ToString(),
            ["GITHUB_REPOSITORY"] = SimRepo.Repository,
            ["GITHUB_RUN_ID"] = context.RunId.ToString(CultureInfo.InvariantCulture),
            ["GITHUB_ACTOR"] = context.Trigger.Actor,
            ["GITHUB_WORKFLOW"] = context.WorkflowName,
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_WORKSPACE"] = workspace,
            ["GITHUB_OUTPUT"] = output,
            ["GITHUB_ENV"] = githubEnv,
            ["GITHUB_PATH"] = githubPath,
            ["GITHUB_STEP_SUMMARY"] = summary,
            ["RUNNER_TEMP"] = temp,
            ["SIM_STATE"] = repo.State,
            ["SIM_RUN"] = context.RunId.ToString(CultureInfo.InvariantCulture),
            ["SIM_JOB"] = result.Key,
            ["SIM_HELP"] = Path.Combine(WorkflowYaml.Root, "tests", "ConvexInfra.Cli.Tests", "Help"),
            // dns-records.sh pauses this long between lookups (30 s on a real runner).
            ["DNS_POLL_SECONDS"] = "0",
        };
        foreach (var (k, v) in stepEnv)
        {
            processEnv[k] = v;
        }

        return processEnv;
    }

    private bool RunScript(string script, Dictionary<string, string> stepEnv, JsonObject outputs, string label)
    {
        var files = Path.Combine(temp, "files-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(files);
        var (output, githubEnv, githubPath, summary) = (Path.Combine(files, "output"), Path.Combine(files, "env"), Path.Combine(files, "path"), Path.Combine(files, "summary"));
        foreach (var f in new[] { output, githubEnv, githubPath, summary })
        {
            File.WriteAllText(f, "");
        }

        var scriptFile = Path.Combine(files, "step.sh");
        File.WriteAllText(scriptFile, script);
        var code = Exec(["bash", "--noprofile", "--norc", "-eo", "pipefail", scriptFile], ProcessEnvironment(stepEnv, output, githubEnv, githubPath, summary), label);
        foreach (var (k, v) in ReadKeyValues(output))
        {
            outputs[k] = v;
        }

        foreach (var (k, v) in ReadKeyValues(githubEnv))
        {
            env[k] = v;
        }

        path.InsertRange(0, File.ReadAllLines(githubPath).Where(l => l.Length > 0).Reverse());
        result.Summary += File.ReadAllText(summary);
        return code == 0;
    }

    /// <summary>Runs a process with exactly the given environment (nothing of the test host leaks in).</summary>
    private int Exec(IReadOnlyList<string> command, Dictionary<string, string> processEnv, string label, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(command[0] == "bash" ? "/bin/bash" : command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? workspace,
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var (k, v) in processEnv)
        {
            info.Environment[k] = v;
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"step '{label}' of {result.Key} did not finish");
        }

        process.WaitForExit();
        result.Log.Add($"## {label} (exit {process.ExitCode})");
        foreach (var line in stdout.Split('\n').Concat(stderr.Result.Split('\n')).Where(l => l.Length > 0))
        {
            result.Log.Add(line);
            if (Command().Match(line) is { Success: true } m)
            {
                var title = Regex.Match(m.Groups["params"].Value, "title=([^,]*)").Groups[1].Value;
                result.Annotations.Add(new Annotation(m.Groups["level"].Value, title, m.Groups["message"].Value));
            }
        }

        return process.ExitCode;
    }

    private static IEnumerable<(string Key, string Value)> ReadKeyValues(string file)
    {
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var delimiter = line[(heredoc + 2)..];
                var value = new List<string>();
                for (i++; i < lines.Length && lines[i] != delimiter; i++)
                {
                    value.Add(lines[i]);
                }

                yield return (line[..heredoc], string.Join('\n', value));
            }
            else if (equals > 0)
            {
                yield return (line[..equals], line[(equals + 1)..]);
            }
            else
            {
                throw new InvalidOperationException($"malformed line in a GitHub file command: '{line}'");
            }
        }
    }

    [GeneratedRegex("^::(?<level>notice|error|warning)(?: (?<params>[^:]*))?::(?<message>.*)$")]
    private static partial Regex Command();
}
