using System.Collections.Immutable;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Spec;
using Pulumi;
using CommandLocal = Pulumi.Command.Local;

namespace ConvexInfra.Components;

public sealed class DeploymentEnvironmentArgs
{
    public required DeploymentSpec Spec { get; init; }
    public required Output<string> AdminKey { get; init; }

    /// <summary><c>deploymentEnvSecrets</c> as read by the program (a secret output), or null when not set.</summary>
    public Output<ImmutableDictionary<string, string>>? Secrets { get; init; }

    /// <summary>JWT_PRIVATE_KEY, JWKS and SITE_URL when Convex Auth is on.</summary>
    public Output<ImmutableDictionary<string, string>>? AuthVariables { get; init; }

    /// <summary>What must exist before the backend can answer (the host or the containers).</summary>
    public IReadOnlyList<Resource> Backend { get; init; } = [];

    /// <summary>How to start the CLI on the machine running <c>pulumi up</c>: the bundled assembly when there is one.</summary>
    public string Cli { get; init; } = BundledCli.Command();

    public int WaitSeconds { get; init; } = ApplyCommandLine.DefaultWaitSeconds;
}

/// <summary>
/// Applies the desired deployment variables with <c>convex-infra deployment-env apply</c> run by a local
/// <c>command</c> resource (the CLI bundled with the component when present, see <see cref="BundledCli"/>): the
/// API URL and admin key through its environment, the map through stdin, so no
/// secret is on a command line. The run repeats only when the map, the prune flag or the admin key change
/// (the trigger is an HMAC of them, a secret output); the CLI itself sends nothing for unchanged values.
/// </summary>
internal sealed class DeploymentEnvironment
{
    public CommandLocal.Command Apply { get; }

    /// <summary>The desired map (secret); tests read it.</summary>
    public Output<IReadOnlyDictionary<string, string>> Desired { get; }

    public static bool IsNeeded(DeploymentSpec spec) => Core.DeploymentEnv.DeploymentEnvRules.IsNeeded(spec);

    public DeploymentEnvironment(string name, DeploymentEnvironmentArgs args, Resource parent)
    {
        var spec = args.Spec;
        var prune = spec.Extensions.DeploymentEnvPrune;
        if (spec.Extensions.HasDeploymentEnvSecrets && args.Secrets is null)
        {
            throw new ArgumentException("convex-infra:deploymentEnvSecrets is set but was not passed in; read it with Config.GetSecretObject.", nameof(args));
        }

        var empty = Output.Create(ImmutableDictionary<string, string>.Empty);
        var plain = spec.Extensions.DeploymentEnv;
        Desired = Output.CreateSecret(Output.Tuple(args.Secrets ?? empty, args.AuthVariables ?? empty)
            .Apply(t => DesiredEnv.Merge(plain, t.Item1, t.Item2)));
        var stdin = Output.CreateSecret(Desired.Apply(DesiredEnvJson.Serialize));
        var fingerprint = Output.CreateSecret(Output.Tuple(Desired, args.AdminKey)
            .Apply(t => (object)EnvFingerprint.Compute(t.Item1, prune, t.Item2)));

        var line = ApplyCommandLine.Render(args.Cli, args.WaitSeconds, prune);
        Apply = new CommandLocal.Command($"{name}-deployment-env", new CommandLocal.CommandArgs
        {
            Create = line,
            Update = line,
            Stdin = stdin,
            Environment =
            {
                { ApplyCommandLine.ApiUrlVariable, spec.Endpoints.ApiOrigin },
                { ApplyCommandLine.AdminKeyVariable, Output.CreateSecret(args.AdminKey) },
            },
            Triggers = new[] { fingerprint },
            Logging = CommandLocal.Logging.StdoutAndStderr,
        }, new CustomResourceOptions
        {
            Parent = parent,
            DependsOn = [.. args.Backend],
            AdditionalSecretOutputs = ["stdin", "environment"],
        });
    }
}
