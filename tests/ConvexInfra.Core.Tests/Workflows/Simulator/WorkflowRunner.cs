using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Tests.Workflows.Simulator;

/// <summary>
/// Runs a committed workflow of a <see cref="SimRepo"/> the way GitHub does, as far as these workflows need: jobs in
/// <c>needs</c> order, job and step <c>if:</c>, matrices, reusable workflows, environments (variables, secrets,
/// reviewers), job concurrency groups held across runs, and every <c>run:</c> step under
/// <c>bash --noprofile --norc -eo pipefail</c> with the fakes first on PATH. <c>uses:</c> steps are stubbed by name
/// (<see cref="ActionStubs"/>); an action without a stub, or an expression the evaluator cannot read, fails the test.
/// </summary>
internal sealed partial class WorkflowRunner(SimRepo repo)
{
    private int nextRunId = 100;

    /// <summary>Job concurrency groups held by a job waiting for an approval (group → run id).</summary>
    private readonly Dictionary<string, int> heldGroups = [];

    public RunResult Run(string workflowFile, Trigger trigger)
    {
        var runId = nextRunId++;
        var workflow = Load(workflowFile);
        var run = new RunResult(workflowFile, runId);
        var context = new RunContext(repo, trigger, runId, workflow.Text("name") ?? workflowFile);
        RunJobs(run, workflow, context, prefix: "", inputs: null, secrets: null);
        return run;
    }

    /// <summary>Whether starting <paramref name="newer"/> cancels a run of <paramref name="older"/> still in progress
    /// (the workflow-level <c>concurrency:</c> of <paramref name="workflowFile"/>).</summary>
    public bool Cancels(string workflowFile, Trigger newer, Trigger older)
    {
        var workflow = Load(workflowFile);
        if (!workflow.Children.TryGetValue(new YamlScalarNode("concurrency"), out var node))
        {
            return false;
        }

        var (groupNewer, cancel) = Concurrency(node, new RunContext(repo, newer, 0, "").Scope(null, null, null, null));
        var (groupOlder, _) = Concurrency(node, new RunContext(repo, older, 0, "").Scope(null, null, null, null));
        return cancel && string.Equals(groupNewer, groupOlder, StringComparison.Ordinal);
    }

    private YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(repo.Origin, ".github", "workflows", file));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private void RunJobs(RunResult run, YamlMappingNode workflow, RunContext context, string prefix, JsonObject? inputs, JsonObject? secrets)
    {
        var jobs = workflow.Map("jobs").Children.ToDictionary(p => p.Key.ToString(), p => (YamlMappingNode)p.Value);
        var results = new Dictionary<string, JsonObject>();
        var done = new HashSet<string>();
        var workflowEnv = workflow.Children.TryGetValue(new YamlScalarNode("env"), out var env) ? (YamlMappingNode)env : null;
        while (done.Count < jobs.Count)
        {
            var ready = jobs.Keys.Where(k => !done.Contains(k) && WorkflowYaml.Needs(jobs[k]).All(done.Contains)).ToList();
            if (ready.Count == 0)
            {
                throw new InvalidOperationException($"jobs {string.Join(", ", jobs.Keys.Except(done))} need jobs that never run (a cycle or a typo)");
            }

            foreach (var key in ready.Order(StringComparer.Ordinal))
            {
                done.Add(key);
                var job = jobs[key];
                var needs = new JsonObject();
                foreach (var need in WorkflowYaml.Needs(job))
                {
                    needs[need] = results[need].DeepClone();
                }

                var jobResults = RunJob(run, context, prefix + key, job, needs, workflowEnv, inputs, secrets);
                results[key] = new JsonObject
                {
                    ["result"] = jobResults.Status is JobStatus.Waiting or JobStatus.Pending ? "pending" : jobResults.Result,
                    ["outputs"] = jobResults.Outputs.DeepClone(),
                };
            }
        }

        if (inputs is not null && workflow.Map("on").Map("workflow_call").Children.TryGetValue(new YamlScalarNode("outputs"), out var outputs))
        {
            var jobsContext = new JsonObject();
            foreach (var (key, value) in results)
            {
                jobsContext[key] = value.DeepClone();
            }

            var scope = context.Scope(inputs, null, null, null, extra: new() { ["jobs"] = jobsContext });
            foreach (var (name, output) in ((YamlMappingNode)outputs).Children)
            {
                context.CalledOutputs[name.ToString()] = Expr.Interpolate(((YamlMappingNode)output).Text("value")!, scope);
            }
        }
    }

    private JobResult RunJob(RunResult run, RunContext context, string key, YamlMappingNode job, JsonObject needs,
        YamlMappingNode? workflowEnv, JsonObject? inputs, JsonObject? secrets)
    {
        var needResults = needs.Select(p => p.Value!["result"]!.GetValue<string>()).ToList();
        var result = new JobResult(key);
        if (needResults.Contains("pending"))
        {
            result.Status = JobStatus.Pending;
            run.Jobs.Add(result);
            return result;
        }

        bool Status(string function) => function switch
        {
            "success" => needResults.All(r => r == "success"),
            "failure" => needResults.Any(r => r == "failure"),
            "always" => true,
            "cancelled" => needResults.Any(r => r == "cancelled"),
            _ => throw new InvalidOperationException(function),
        };

        var jobScope = context.Scope(inputs, needs, null, secrets) with { Status = Status };
        if (!Expr.Condition(job.Text("if"), jobScope))
        {
            result.Status = JobStatus.Skipped;
            run.Jobs.Add(result);
            return result;
        }

        var matrix = Matrix(job, jobScope);
        if (matrix is null)
        {
            return RunJobInstance(run, context, result, job, needs, workflowEnv, inputs, secrets, null);
        }

        // A matrix job's needs-visible result: success only when every leg succeeded (fail-fast: false).
        var legs = matrix.Select(value => RunJobInstance(run, context, new JobResult($"{key} ({value.Value})"), job, needs, workflowEnv, inputs, secrets, value)).ToList();
        result.Status = legs.Count == 0 ? JobStatus.Skipped
            : legs.FirstOrDefault(l => l.Status is JobStatus.Failure or JobStatus.Waiting or JobStatus.Pending)?.Status ?? JobStatus.Success;
        return result;
    }

    private static List<KeyValuePair<string, string>>? Matrix(YamlMappingNode job, Expr.Scope scope)
    {
        if (!job.Children.TryGetValue(new YamlScalarNode("strategy"), out var strategy))
        {
            return null;
        }

        var matrix = ((YamlMappingNode)strategy).Map("matrix");
        if (matrix.Children.Count != 1)
        {
            throw new InvalidOperationException("the simulator supports one matrix dimension");
        }

        var (name, values) = matrix.Children.Single();
        var list = values is YamlScalarNode scalar
            ? Expr.Evaluate(scalar.Value!.Trim()[3..^2], scope) as JsonArray ?? throw new InvalidOperationException($"matrix {name} is not an array")
            : new JsonArray(((YamlSequenceNode)values).Children.Select(v => (JsonNode?)JsonValue.Create(v.ToString())).ToArray());
        return list.Select(v => new KeyValuePair<string, string>(name.ToString(), Expr.ToText(Expr.FromNode(v)))).ToList();
    }

    private JobResult RunJobInstance(RunResult run, RunContext context, JobResult result, YamlMappingNode job, JsonObject needs,
        YamlMappingNode? workflowEnv, JsonObject? inputs, JsonObject? secrets, KeyValuePair<string, string>? matrixValue)
    {
        run.Jobs.Add(result);
        var matrix = matrixValue is { } m ? new JsonObject { [m.Key] = m.Value } : null;
        var scope = context.Scope(inputs, needs, matrix, secrets);

        if (job.Text("uses") is { } called)
        {
            return CallWorkflow(run, context, result, job, called, scope);
        }

        // The environment: its reviewers first, then its variables and secrets override the repository's.
        string? environmentName = null;
        if (job.Children.TryGetValue(new YamlScalarNode("environment"), out var environmentNode))
        {
            environmentName = Expr.Interpolate(environmentNode is YamlScalarNode s ? s.Value! : ((YamlMappingNode)environmentNode).Text("name")!, scope);
            result.Environment = environmentName;
        }

        // A job's concurrency group is taken when the job is queued, before its environment's reviewers are asked
        // (the behaviour the issue describes): a job waiting for an approval holds its group.
        string? group = null;
        if (job.Children.TryGetValue(new YamlScalarNode("concurrency"), out var concurrency))
        {
            group = Concurrency(concurrency, scope).Group;
            if (heldGroups.TryGetValue(group, out var holder) && holder != context.RunId)
            {
                result.Status = JobStatus.Pending;
                result.Log.Add($"pending: concurrency group {group} is held by run {holder}");
                return result;
            }
        }

        var environment = environmentName is null ? null : repo.Environments.GetValueOrDefault(environmentName);
        if (environment is { Reviewers: true })
        {
            var answer = context.Trigger.Approvals.GetValueOrDefault(environmentName!, Approval.Approve);
            if (answer == Approval.NoAnswer)
            {
                result.Status = JobStatus.Waiting;
                if (group is not null)
                {
                    heldGroups[group] = context.RunId;
                }

                return result;
            }

            if (answer == Approval.Reject)
            {
                result.Status = JobStatus.Failure;
                result.Log.Add($"rejected by a reviewer of {environmentName}");
                return result;
            }
        }

        scope = context.Scope(inputs, needs, matrix, secrets, environment);
        new JobExecution(repo, context, result, job, scope, workflowEnv).Run();
        return result;
    }

    private JobResult CallWorkflow(RunResult run, RunContext context, JobResult result, YamlMappingNode job, string called, Expr.Scope scope)
    {
        if (!called.StartsWith("./.github/workflows/", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"only local reusable workflows are simulated, not {called}");
        }

        var workflow = Load(Path.GetFileName(called));
        var declared = workflow.Map("on").Map("workflow_call");
        var inputs = new JsonObject();
        foreach (var (name, spec) in declared.Map("inputs").Children)
        {
            if (((YamlMappingNode)spec).Text("default") is { } fallback)
            {
                inputs[name.ToString()] = fallback;
            }
        }

        if (job.Children.TryGetValue(new YamlScalarNode("with"), out var with))
        {
            foreach (var (name, value) in ((YamlMappingNode)with).Children)
            {
                inputs[name.ToString()] = Expr.Interpolate(value.ToString(), scope);
            }
        }

        var secrets = new JsonObject();
        if (job.Children.TryGetValue(new YamlScalarNode("secrets"), out var passed))
        {
            foreach (var (name, value) in ((YamlMappingNode)passed).Children)
            {
                secrets[name.ToString()] = Expr.Interpolate(value.ToString(), scope);
            }
        }

        var inner = context.Called();
        var before = run.Jobs.Count;
        RunJobs(run, workflow, inner, result.Key + "/", inputs, secrets);
        var jobs = run.Jobs.Skip(before).ToList();
        run.Jobs.Remove(result);
        run.Jobs.Add(result);
        result.Status = jobs.FirstOrDefault(j => j.Status is JobStatus.Failure or JobStatus.Waiting or JobStatus.Pending or JobStatus.Cancelled)?.Status
            ?? (jobs.All(j => j.Status == JobStatus.Skipped) ? JobStatus.Skipped : JobStatus.Success);
        foreach (var (name, value) in inner.CalledOutputs)
        {
            result.Outputs[name] = value;
        }

        return result;
    }

    private static (string Group, bool Cancel) Concurrency(YamlNode node, Expr.Scope scope)
    {
        if (node is YamlScalarNode scalar)
        {
            return (Expr.Interpolate(scalar.Value!, scope), false);
        }

        var map = (YamlMappingNode)node;
        var cancel = map.Text("cancel-in-progress") is { } text && Expr.Truthy(text.Contains("${{", StringComparison.Ordinal)
            ? Expr.Interpolate(text, scope) == "true"
            : text == "true");
        return (Expr.Interpolate(map.Text("group")!, scope), cancel);
    }
}
