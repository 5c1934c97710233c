using System.Text.Json.Nodes;

namespace ConvexInfra.Core.Tests.Workflows.Simulator;

/// <summary>How a job ended. Waiting = held at an environment approval nobody answered; Pending = never started
/// because a job it needs is waiting or its concurrency group is held by another run.</summary>
internal enum JobStatus
{
    Success,
    Failure,
    Skipped,
    Waiting,
    Pending,
    Cancelled,
}

internal sealed record Annotation(string Level, string Title, string Message)
{
    public override string ToString() => $"{Level} [{Title}] {Message}";
}

internal sealed class JobResult(string key)
{
    public string Key { get; } = key;

    public JobStatus Status { get; set; } = JobStatus.Success;

    public JsonObject Outputs { get; } = [];

    public List<Annotation> Annotations { get; } = [];

    public List<string> Log { get; } = [];

    public string Summary { get; set; } = "";

    /// <summary>The <c>environment:</c> the job ran in, if any.</summary>
    public string? Environment { get; set; }

    public IEnumerable<Annotation> Notices => Annotations.Where(a => a.Level == "notice");

    public IEnumerable<Annotation> Errors => Annotations.Where(a => a.Level == "error");

    public string Describe() => $"{Key}: {Status}\n  " + string.Join("\n  ", Annotations) + "\n  --- log ---\n  " + string.Join("\n  ", Log);

    public string Result => Status switch
    {
        JobStatus.Success => "success",
        JobStatus.Failure => "failure",
        JobStatus.Skipped => "skipped",
        JobStatus.Cancelled => "cancelled",
        _ => "",
    };
}

/// <summary>Every job of one workflow run, in the order they ran; called workflows' jobs as "caller/job".</summary>
internal sealed class RunResult(string workflow, int runId)
{
    public string Workflow { get; } = workflow;

    public int RunId { get; } = runId;

    public List<JobResult> Jobs { get; } = [];

    public JobResult this[string key] =>
        Jobs.SingleOrDefault(j => j.Key == key) ?? throw new Xunit.Sdk.XunitException($"no job '{key}' in run {RunId} of {Workflow}: {string.Join(", ", Jobs.Select(j => j.Key))}");

    public JobStatus StatusOf(string key) => this[key].Status;

    /// <summary>The run's conclusion as workflow_run reports it.</summary>
    public string Conclusion =>
        Jobs.Any(j => j.Status == JobStatus.Cancelled) ? "cancelled"
        : Jobs.Any(j => j.Status == JobStatus.Failure) ? "failure"
        : Jobs.Any(j => j.Status is JobStatus.Waiting or JobStatus.Pending) ? ""
        : "success";

    public IEnumerable<Annotation> Annotations => Jobs.SelectMany(j => j.Annotations);

    public string Describe() => $"run {RunId} of {Workflow} ({Conclusion}):\n" + string.Join("\n", Jobs.Select(j => j.Describe()));
}
