using System.Collections.Immutable;
using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using Pulumi;

namespace ConvexInfra.Components;

/// <summary>Everything <see cref="ConvexDeployment"/> decided before registering itself.</summary>
internal sealed record PreparedDeployment(
    DeploymentSpec Spec,
    AwsEnvironment? Aws,
    RevisionDecision Revision,
    DeferredInputs Inputs,
    string Cli);

/// <summary>The inputs that may be outputs of other resources, checked once known (null when not given).</summary>
internal sealed record DeferredInputs(
    Input<string>? ExistingVpcId,
    InputList<string>? PublicSubnetIds,
    InputList<string>? PrivateSubnetIds,
    Input<string>? HostedZoneId,
    Input<string>? AlarmTopicArn,
    Output<ImmutableDictionary<string, string>>? DeploymentEnvSecrets);

/// <summary>
/// Runs before the component registers anything: the args go through Core's settings reader (every error at once,
/// each naming its key), then the account lookups and the revision decision. Anything wrong throws here, so an
/// invalid deployment leaves no resource behind, not even the component itself.
/// </summary>
internal static class ConvexDeploymentPreparation
{
    public static PreparedDeployment Prepare(string name, ConvexDeploymentArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var deployment = Deployment.Instance;
        var config = ConvexDeploymentSettings.ToStackConfig(args, deployment.ProjectName, deployment.StackName, new Config("aws").Get("region"));
        var result = SettingsReader.Read(config);
        if (!result.IsValid || result.Spec is null)
        {
            throw new RunException(
                $"ConvexDeployment '{name}' has invalid args; nothing was created or changed. Fix these (each input is named like the " +
                $"setting, without the convex-infra: prefix; docs/spec.md):{Environment.NewLine}{result.ErrorReport}");
        }

        var spec = result.Spec;
        AwsEnvironment? aws = null;
        var revision = RevisionHistory.Decide([], spec.ImageRevision, spec.Extensions.AllowRevisionDowngrade);
        if (spec.Target.IsAws())
        {
            // The constructor is synchronous (it is also what a component provider calls); the lookups run off the
            // caller's synchronization context so waiting for them cannot deadlock.
            aws = Task.Run(() => AwsLookups.LoadAsync(spec)).GetAwaiter().GetResult();
            revision = Task.Run(() => RevisionHistoryLookup.DecideAsync(spec)).GetAwaiter().GetResult();
            if (!revision.Allowed)
            {
                throw new RunException($"ConvexDeployment '{name}': nothing was created or changed. {revision.Message}");
            }
        }

        var inputs = new DeferredInputs(
            args.ExistingVpcId,
            args.PublicSubnetIds,
            args.PrivateSubnetIds,
            args.HostedZoneId,
            args.AlarmTopicArn,
            ConvexDeploymentSettings.Secrets(args));
        return new PreparedDeployment(spec, aws, revision, inputs, args.Cli);
    }
}
