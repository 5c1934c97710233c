using System.Collections.Immutable;
using System.Text.Json;
using ConvexInfra.Components;
using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Spec;
using Pulumi;

namespace ConvexInfra;

/// <summary>
/// The Pulumi program, a thin caller of the component: stack config → the stack file check (every error at once,
/// nothing created when any) → the same typed <see cref="ConvexDeploymentArgs"/> any other program would write →
/// <see cref="ConvexDeployment"/> (which validates them again, looks up the account and builds everything) → the
/// output contract.
/// </summary>
public static class ConvexProgram
{
    public static Task<IDictionary<string, object?>> RunAsync() =>
        RunAsync(PulumiStackConfig.Read(Deployment.Instance.ProjectName, Deployment.Instance.StackName));

    public static async Task<IDictionary<string, object?>> RunAsync(StackConfig config)
    {
        // The stack file's own check first: unknown keys (typos) and the stack-file wording of every error.
        var spec = ReadSpec(config);
        var args = ConvexDeploymentSettings.FromStackConfig(config);
        if (spec.Extensions.HasDeploymentEnvSecrets)
        {
            args.DeploymentEnvSecrets = ReadDeploymentEnvSecrets();
        }

        if (spec.Local?.Backups?.Bucket is not null)
        {
            // Secrets end to end: read as secret outputs, handed to the exporter container's environment only.
            var pulumiConfig = new Config(SettingKeys.Namespace);
            args.LocalBackupBucketAccessKeyId = pulumiConfig.RequireSecret(SettingKeys.LocalBackupBucketAccessKeyId.Name);
            args.LocalBackupBucketSecretAccessKey = pulumiConfig.RequireSecret(SettingKeys.LocalBackupBucketSecretAccessKey.Name);
        }

        // CreateAsync awaits the account lookups instead of blocking a thread on them.
        var deployment = await ConvexDeployment.CreateAsync(AwsNames.RootName(spec), args);
        return StackOutputs.Build(deployment);
    }

    /// <summary>
    /// <c>deploymentEnvSecrets</c> stays a secret output end to end. YAML may hold a number or boolean for a value;
    /// the deployment stores strings, so those become their JSON text.
    /// </summary>
    private static Output<ImmutableDictionary<string, string>> ReadDeploymentEnvSecrets()
    {
        var values = new Config(SettingKeys.Namespace).RequireSecretObject<Dictionary<string, JsonElement>>(SettingKeys.DeploymentEnvSecrets.Name);
        return Output.CreateSecret(values.Apply(map => map.ToImmutableDictionary(
            pair => pair.Key,
            pair => pair.Value.ValueKind == JsonValueKind.String ? pair.Value.GetString()! : pair.Value.GetRawText(),
            StringComparer.Ordinal)));
    }

    /// <summary>The validated spec, or a <see cref="RunException"/> listing every problem before anything is registered.</summary>
    public static DeploymentSpec ReadSpec(StackConfig config)
    {
        var result = SettingsReader.Read(config);
        if (!result.IsValid || result.Spec is null)
        {
            throw new RunException(
                $"Stack '{config.StackName}' has invalid settings; nothing was created or changed. Fix these in Pulumi.{config.StackName}.yaml " +
                $"(or with `pulumi config set`):{Environment.NewLine}{result.ErrorReport}");
        }

        return result.Spec;
    }
}
