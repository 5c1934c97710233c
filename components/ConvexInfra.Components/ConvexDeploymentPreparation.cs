using System.Collections.Immutable;
using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Utilities;
using PulumiAws = Pulumi.Aws;

namespace ConvexInfra.Components;

/// <summary>Everything <see cref="ConvexDeployment"/> decided before registering itself.</summary>
/// <param name="Options">The caller's options, plus the AWS provider made for <c>region</c> when one was needed.</param>
internal sealed record PreparedDeployment(
    DeploymentSpec Spec,
    AwsEnvironment? Aws,
    RevisionDecision Revision,
    DeferredInputs Inputs,
    ComponentResourceOptions? Options,
    PreviewUnknowns? Unknowns = null);

/// <summary>The inputs that may be outputs of other resources, checked once known (null when not given).</summary>
internal sealed record DeferredInputs(
    Input<string>? ExistingVpcId,
    InputList<string>? PublicSubnetIds,
    InputList<string>? PrivateSubnetIds,
    Input<string>? HostedZoneId,
    Input<string>? AlarmTopicArn,
    Output<ImmutableDictionary<string, string>>? DeploymentEnvSecrets,
    (Output<string> AccessKeyId, Output<string> SecretAccessKey)? BucketKeys = null);

/// <summary>
/// Runs before the component registers anything: the args go through Core's settings reader (every error at once,
/// each naming its key), then the region is settled with the AWS provider, then the account lookups and the revision
/// decision. Anything wrong throws here, so an invalid deployment leaves no resource behind, not even the component.
/// <para>
/// Region and provider: an AWS provider passed by the caller (<c>provider</c>/<c>providers</c>) decides the region;
/// <c>region</c>, when given, must name that same region. Without one, <c>region</c> (default: the stack's
/// <c>aws:region</c>) decides: when it differs from <c>aws:region</c> the component makes an AWS provider for it.
/// Every lookup goes through the provider the resources use, as an Output-form invoke that is awaited.
/// </para>
/// </summary>
internal static class ConvexDeploymentPreparation
{
    public static async Task<PreparedDeployment> PrepareAsync(string name, ConvexDeploymentArgs args, ComponentResourceOptions? options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var configuredRegion = new Config("aws").Get("region");
        var callerProvider = AwsProviderOf(options);
        string? providerRegion = null;
        if (callerProvider is not null && args.Target.StartsWith("aws-", StringComparison.Ordinal))
        {
            providerRegion = await OutputUtilities.GetValueAsync(AwsLookups.Region(new InvokeOptions { Provider = callerProvider, Parent = options?.Parent }))
                .ConfigureAwait(false);
        }

        var (spec, unknowns) = await ReadAsync(name, args, providerRegion ?? configuredRegion).ConfigureAwait(false);
        if (unknowns is not null)
        {
            options = ComponentResourceOptions.Merge(options, new ComponentResourceOptions { ResourceTransformations = { unknowns.Transformation } });
        }

        AwsEnvironment? aws = null;
        var revision = RevisionHistory.Decide([], spec.ImageRevision, spec.Extensions.AllowRevisionDowngrade);
        if (spec.Target.IsAws())
        {
            if (providerRegion is not null && spec.Region != providerRegion)
            {
                throw new RunException(
                    $"ConvexDeployment '{name}': nothing was created or changed. region: got '{spec.Region}', but the AWS provider passed in " +
                    $"deploys to '{providerRegion}'; leave region unset (the provider decides) or set it to '{providerRegion}', or pass a provider " +
                    $"for '{spec.Region}'.");
            }

            var provider = callerProvider;
            if (provider is null && spec.Region != configuredRegion && spec.Region != await DefaultProviderRegionAsync(configuredRegion, options).ConfigureAwait(false))
            {
                provider = RegionProvider(name, spec.Region!, options);
                options = ComponentResourceOptions.Merge(options, new ComponentResourceOptions { Providers = { provider } });
            }

            var invoke = new InvokeOptions { Provider = provider, Parent = options?.Parent };
            aws = await OutputUtilities.GetValueAsync(AwsLookups.Load(spec, invoke)).ConfigureAwait(false);
            revision = await RevisionHistoryLookup.DecideAsync(spec, invoke).ConfigureAwait(false);
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
            ConvexDeploymentSettings.Secrets(args),
            ConvexDeploymentSettings.BucketKeys(args));
        return new PreparedDeployment(spec, aws, revision, inputs, options, unknowns);
    }

    /// <summary>The AWS provider among the caller's options (<c>provider</c> or <c>providers</c>), or null.</summary>
    internal static ProviderResource? AwsProviderOf(ComponentResourceOptions? options) =>
        options is null
            ? null
            : new[] { options.Provider }.Concat(options.Providers).FirstOrDefault(p => p?.GetResourceType() == "pulumi:providers:aws");

    /// <summary>
    /// The default provider's region: <c>aws:region</c>, or without it what the provider found itself (AWS_REGION,
    /// the profile), asked in Task form so that a provider with no region at all means "none" instead of failing
    /// the deployment (a failed Output-form invoke would).
    /// </summary>
    private static async Task<string?> DefaultProviderRegionAsync(string? configuredRegion, ComponentResourceOptions? options)
    {
        if (configuredRegion is not null)
        {
            return configuredRegion;
        }

        try
        {
            return (await PulumiAws.GetRegion.InvokeAsync(new PulumiAws.GetRegionArgs(), new InvokeOptions { Parent = options?.Parent }).ConfigureAwait(false)).Region;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The spec, and in a preview the list/map inputs still unknown, read without them (<see cref="PreviewUnknowns"/>).</summary>
    private static async Task<(DeploymentSpec Spec, PreviewUnknowns? Unknowns)> ReadAsync(string name, ConvexDeploymentArgs args, string? defaultRegion)
    {
        var deployment = Deployment.Instance;
        var given = await ConvexDeploymentSettings.ToStackConfigAsync(args, deployment.ProjectName, deployment.StackName, defaultRegion).ConfigureAwait(false);
        var (config, unknowns) = PreviewUnknowns.Split(given, args, deployment.IsDryRun);
        var result = SettingsReader.Read(config);
        if (!result.IsValid || result.Spec is null)
        {
            throw new RunException(
                $"ConvexDeployment '{name}' has invalid args; nothing was created or changed. Fix these (each input is named like the " +
                $"setting, without the convex-infra: prefix; docs/spec.md):{Environment.NewLine}{result.ErrorReport}");
        }

        return (result.Spec, unknowns);
    }

    /// <summary>
    /// A provider for <c>region</c> when it is not the stack's <c>aws:region</c>. It takes credentials as the default
    /// provider does from the environment, and <c>aws:profile</c>; other <c>aws:*</c> settings of the stack do not
    /// apply to it (pass your own provider when they matter; docs/component.md).
    /// </summary>
    private static PulumiAws.Provider RegionProvider(string name, string region, ComponentResourceOptions? options) =>
        new($"{name}-aws-{region}", new PulumiAws.ProviderArgs
        {
            Region = region,
            Profile = new Config("aws").Get("profile") is { } profile ? (Input<string>)profile : null,
        }, new CustomResourceOptions { Parent = options?.Parent });
}
