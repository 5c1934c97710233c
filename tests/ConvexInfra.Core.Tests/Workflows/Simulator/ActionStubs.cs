using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Tests.Workflows.Simulator;

/// <summary>
/// The <c>uses:</c> steps, stubbed by action name: what each does that the later steps depend on. An action that is
/// not listed here fails the test, so a new action in a workflow needs a deliberate stub.
/// </summary>
internal sealed partial class JobExecution
{
    private bool ActionStub(string uses, Dictionary<string, string> with, Dictionary<string, string> stepEnv, string label)
    {
        var action = uses.Split('@')[0];
        switch (action)
        {
            case "actions/checkout":
                return Checkout(with, label);
            case "actions/setup-dotnet":
            case "actions/upload-artifact":
                result.Log.Add($"## {label}: stubbed");
                return true;
            case "aws-actions/configure-aws-credentials":
                return AwsCredentials(with, label);
            case "pulumi/actions":
                // Without a command the action only installs the CLI; with one it runs it (the fake on PATH).
                if (!with.TryGetValue("command", out var command) || command.Length == 0)
                {
                    result.Log.Add($"## {label}: pulumi CLI installed (fake)");
                    return true;
                }

                var args = new List<string> { "pulumi", command, "--stack", with["stack-name"], "--non-interactive" };
                if (command == "up")
                {
                    args.Add("--yes");
                }

                var files = Path.Combine(temp, "action-" + Guid.NewGuid().ToString("N")[..8]);
                Directory.CreateDirectory(files);
                var none = Path.Combine(files, "none");
                File.WriteAllText(none, "");
                return Exec([Path.Combine(repo.Bin, "pulumi"), .. args.Skip(1)], ProcessEnvironment(stepEnv, none, none, none, none), label) == 0;
            default:
                throw new InvalidOperationException($"no stub for the action {uses} (step '{label}' of {result.Key})");
        }
    }

    private bool Checkout(Dictionary<string, string> with, string label)
    {
        var repository = with.GetValueOrDefault("repository") is { Length: > 0 } r ? r : SimRepo.Repository;
        var source = repository == SimRepo.Repository ? repo.Origin : repo.OtherRepos.GetValueOrDefault(repository);
        if (source is null)
        {
            result.Log.Add($"## {label}: repository {repository} not found");
            return false;
        }

        var gitRef = with.GetValueOrDefault("ref") is { Length: > 0 } given ? given : ((System.Text.Json.Nodes.JsonObject)scope.Contexts["github"]!)["sha"]!.ToString();
        var target = with.GetValueOrDefault("path") is { Length: > 0 } sub ? Path.Combine(workspace, sub) : workspace;
        Directory.CreateDirectory(target);
        SimRepo.GitIn(target, "init", "--quiet");
        SimRepo.GitIn(target, "fetch", "--quiet", source, "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*");
        var resolved = Tools.ExternalTool.Run("git", ["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", gitRef], target);
        if (resolved.ExitCode != 0)
        {
            resolved = Tools.ExternalTool.Run("git", ["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", "origin/" + gitRef], target);
        }

        result.Log.Add($"## {label}: {repository}@{gitRef} into {Path.GetRelativePath(workspace, target)} (exit {resolved.ExitCode})");
        return resolved.ExitCode == 0;
    }

    private bool AwsCredentials(Dictionary<string, string> with, string label)
    {
        var role = with.GetValueOrDefault("role-to-assume") ?? "";
        var permissions = job.Children.TryGetValue(new YamlScalarNode("permissions"), out var p) ? p as YamlMappingNode : null;
        if (role.Length == 0 || permissions?.Text("id-token") != "write")
        {
            // What the action reports when it has no role (or no OIDC token) to work with.
            result.Log.Add($"## {label}: Credentials could not be loaded, please check your action inputs");
            result.Annotations.Add(new Annotation("error", "", "Credentials could not be loaded, please check your action inputs: Could not load credentials from any providers"));
            return false;
        }

        env["SIM_AWS_ROLE"] = role;
        env["AWS_REGION"] = with.GetValueOrDefault("aws-region") ?? "";
        result.Log.Add($"## {label}: assumed {role}");
        return true;
    }
}
