using System.Globalization;
using System.Text.Json.Nodes;

namespace ConvexInfra.Core.Tests.Workflows.Simulator;

/// <summary>The contexts shared by every job of a run (github, vars, secrets) and what a called workflow returns.</summary>
internal sealed class RunContext(SimRepo repo, Trigger trigger, int runId, string workflowName)
{
    public SimRepo Repo => repo;

    public Trigger Trigger => trigger;

    public int RunId => runId;

    public string WorkflowName => workflowName;

    public Dictionary<string, string> CalledOutputs { get; } = [];

    public bool IsDependabot => trigger.Actor == "dependabot[bot]";

    public RunContext Called() => new(repo, trigger, runId, workflowName);

    public JsonObject Github() => new()
    {
        ["event_name"] = trigger.EventName,
        ["ref"] = trigger.Ref,
        ["sha"] = trigger.Sha,
        ["repository"] = SimRepo.Repository,
        ["repository_owner"] = SimRepo.Repository.Split('/')[0],
        ["actor"] = trigger.Actor,
        ["triggering_actor"] = trigger.Actor,
        ["run_id"] = runId.ToString(CultureInfo.InvariantCulture),
        ["server_url"] = "https://github.com",
        ["workflow"] = workflowName,
        ["token"] = "ghs_simulated",
        ["event"] = trigger.Event.DeepClone(),
    };

    /// <param name="calledSecrets">In a called workflow, the secrets its caller passed; else the repository's.</param>
    public Expr.Scope Scope(JsonObject? inputs, JsonObject? needs, JsonObject? matrix, JsonObject? calledSecrets,
        SimEnvironment? environment = null, Dictionary<string, JsonNode?>? extra = null)
    {
        var vars = new JsonObject();
        foreach (var (k, v) in repo.Vars.Concat(environment?.Vars ?? []))
        {
            vars[k] = v;
        }

        // Dependabot's runs get Dependabot's secrets only; an environment's secrets override the others.
        var secrets = new JsonObject { ["GITHUB_TOKEN"] = "ghs_simulated" };
        var own = calledSecrets?.Select(p => new KeyValuePair<string, string>(p.Key, p.Value?.ToString() ?? ""))
            ?? (IsDependabot ? repo.DependabotSecrets : repo.Secrets);
        foreach (var (k, v) in own.Concat(IsDependabot ? [] : environment?.Secrets ?? []))
        {
            secrets[k] = v;
        }

        var contexts = new Dictionary<string, JsonNode?>
        {
            ["github"] = Github(),
            ["vars"] = vars,
            ["secrets"] = secrets,
            ["inputs"] = inputs?.DeepClone() ?? new JsonObject(),
            ["needs"] = needs?.DeepClone() ?? new JsonObject(),
            ["matrix"] = matrix?.DeepClone() ?? new JsonObject(),
        };
        foreach (var (k, v) in extra ?? [])
        {
            contexts[k] = v;
        }

        return new Expr.Scope(contexts);
    }
}
