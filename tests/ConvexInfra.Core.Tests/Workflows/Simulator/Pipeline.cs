namespace ConvexInfra.Core.Tests.Workflows.Simulator;

/// <summary>
/// A simulated repository set up the way docs/cicd.md tells a new user to, and the chain GitHub runs on a push:
/// ci for the push, then deploy for ci's completed run.
/// </summary>
internal sealed class Pipeline : IDisposable
{
    public static readonly string[] Stacks = ["dev", "staging", "prod"];

    public Pipeline()
    {
        Runner = new WorkflowRunner(Repo);
    }

    public SimRepo Repo { get; } = new();

    public WorkflowRunner Runner { get; }

    /// <summary>docs/cicd.md, in order: stacks initialised on the S3 backend with their KMS secrets provider, the
    /// repository variables, the preview-&lt;stack&gt; and &lt;stack&gt; environments with their roles, reviewers on
    /// staging and prod.</summary>
    public Pipeline Documented(string[]? stacks = null)
    {
        stacks ??= Stacks;
        foreach (var stack in stacks)
        {
            InitStack(stack, $"secretsprovider: awskms://alias/convex-infra-pulumi-{stack}?region=eu-west-1\nencryptedkey: AQICAHsimulated{stack}");
        }

        Repo.Vars["PULUMI_BACKEND_URL"] = "s3://acme-convex-infra-state";
        Repo.Vars["AWS_PREVIEW_ROLE_ARN"] = "arn:aws:iam::111111111111:role/convex-infra-github-preview-dev";
        Repo.Vars["CONVEX_STACKS"] = "[" + string.Join(",", stacks.Select(s => $"\"{s}\"")) + "]";
        foreach (var stack in stacks)
        {
            Repo.Environment($"preview-{stack}").Vars["AWS_PREVIEW_ROLE_ARN"] = $"arn:aws:iam::111111111111:role/convex-infra-github-preview-{stack}";
            Repo.Environment(stack, reviewers: stack is "staging" or "prod" or "ecs").Vars["AWS_DEPLOY_ROLE_ARN"] = $"arn:aws:iam::111111111111:role/convex-infra-github-deploy-{stack}";
        }

        return this;
    }

    /// <summary>The Pulumi Cloud variant of the setup: no backend URL, a PULUMI_ACCESS_TOKEN secret, stacks created
    /// in the organization's account (the service encrypts their secrets).</summary>
    public Pipeline Cloud(string[]? stacks = null)
    {
        stacks ??= Stacks;
        Documented(stacks);
        Repo.Vars.Remove("PULUMI_BACKEND_URL");
        Repo.Secrets["PULUMI_ACCESS_TOKEN"] = "pul-simulated";
        foreach (var stack in stacks)
        {
            File.WriteAllLines(Path.Combine(Repo.Origin, $"Pulumi.{stack}.yaml"), File.ReadAllLines(Path.Combine(Repo.Origin, $"Pulumi.{stack}.yaml"))
                .Where(l => !l.StartsWith("secretsprovider:", StringComparison.Ordinal) && !l.StartsWith("encryptedkey:", StringComparison.Ordinal)));
            Repo.Fake($"exists/{stack}", "");
        }

        return this;
    }

    /// <summary><c>pulumi stack init</c> writes the secrets provider's lines into the stack file.</summary>
    public void InitStack(string stack, string secretsLines) =>
        File.AppendAllText(Path.Combine(Repo.Origin, $"Pulumi.{stack}.yaml"), secretsLines + "\n");

    public string Commit(string message, Action<string>? change = null) => Repo.Commit(message, change);

    public RunResult Ci(Trigger trigger) => Runner.Run("ci.yml", trigger);

    /// <summary>ci for a push of <paramref name="sha"/>, then deploy for its completed run.</summary>
    public (RunResult Ci, RunResult Deploy) Push(string sha, Dictionary<string, Approval>? approvals = null)
    {
        var push = Trigger.Push(sha);
        var ci = Ci(push);
        var deploy = Runner.Run("deploy.yml", Trigger.WorkflowRun(ci, push, Repo.Head) with { Approvals = approvals ?? [] });
        return (ci, deploy);
    }

    /// <summary>deploy.yml started by hand on main for <paramref name="sha"/> (the fake gh says ci passed it).</summary>
    public RunResult Deploy(string sha) => Runner.Run("deploy.yml", Trigger.Dispatch(sha));

    /// <summary>The pulumi calls that change or read a stack, as "stack verb" in call order, for one run.</summary>
    public List<string> PulumiCalls(int run, params string[] verbs) =>
        Repo.Calls("pulumi").Where(c => c.Run == run && (verbs.Length == 0 || verbs.Contains(c.Verb))).Select(c => $"{c.Stack} {c.Verb}").ToList();

    /// <summary>The stacks a job's pulumi calls touched.</summary>
    public List<string> StacksTouchedBy(int run, string job) =>
        Repo.Calls("pulumi").Where(c => c.Run == run && c.Job == job && c.Stack is not null).Select(c => c.Stack!).Distinct().ToList();

    public void Dispose() => Repo.Dispose();
}
