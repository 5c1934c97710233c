using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Utilities;

namespace ConvexInfra.Components;

/// <summary>
/// Converts <see cref="ConvexDeploymentArgs"/> to and from the settings reader's input (<see cref="StackConfig"/>),
/// so typed args and stack files go through one validation path with the same tier defaults and errors. Every input
/// property is a setting key of the same name (<c>region</c> is <c>aws:region</c>).
/// </summary>
public static class ConvexDeploymentSettings
{
    private static readonly IReadOnlyList<(PropertyInfo Property, SettingKey Key)> Inputs = typeof(ConvexDeploymentArgs)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => (Property: p, Name: InputName(p)))
        .Where(p => p.Name is not null)
        .Select(p => (p.Property, KeyFor(p.Name!)))
        .ToList();

    /// <summary>The schema name of an <c>[Input]</c> property (its attribute's first argument), or null.</summary>
    public static string? InputName(PropertyInfo property) =>
        property.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(InputAttribute))?.ConstructorArguments[0].Value as string;

    /// <summary>The setting key behind an input name.</summary>
    public static SettingKey KeyFor(string inputName) =>
        (inputName == SettingKeys.Region.Name ? SettingKeys.Region : SettingKeys.Find($"{SettingKeys.Namespace}:{inputName}"))
        ?? throw new InvalidOperationException($"Input '{inputName}' of ConvexDeploymentArgs has no setting key of that name.");

    /// <summary>The value of the input behind <paramref name="key"/> (null when not given).</summary>
    internal static object? InputOf(ConvexDeploymentArgs args, SettingKey key) =>
        Inputs.Single(i => i.Key == key).Property.GetValue(args);

    /// <summary>
    /// The settings reader's view of the args. Plain values become their config text; inputs that are already known
    /// (plain values passed as <c>Input</c>) too; outputs not yet known are <see cref="ConfigValue.Deferred"/>, and
    /// <c>deploymentEnvSecrets</c> is an opaque secret, as in a stack file.
    /// </summary>
    public static StackConfig ToStackConfig(ConvexDeploymentArgs args, string projectName, string stackName, string? defaultRegion = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        foreach (var (property, key) in Inputs)
        {
            if (ToConfigValue(property.GetValue(args), key) is { } value)
            {
                values[key.FullName] = value;
            }
        }

        if (!values.ContainsKey(SettingKeys.Region.FullName) && !string.IsNullOrEmpty(defaultRegion))
        {
            values[SettingKeys.Region.FullName] = new ConfigValue(defaultRegion);
        }

        return new StackConfig(projectName, stackName, values);
    }

    /// <summary>
    /// <see cref="ToStackConfig"/> after awaiting every input that is an output (the secret deployment variables
    /// excepted): known values are read like plain ones, unknown ones (a preview of resources not created yet) stay
    /// <see cref="ConfigValue.Deferred"/>, which the reader accepts only for the deferrable keys.
    /// </summary>
    public static async Task<StackConfig> ToStackConfigAsync(ConvexDeploymentArgs args, string projectName, string stackName, string? defaultRegion = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var resolved = new ConvexDeploymentArgs();
        foreach (var (property, key) in Inputs)
        {
            var value = property.GetValue(args);
            if (!SettingKeys.SecretKeys.Contains(key))
            {
                value = value switch
                {
                    Input<string> input => await Resolve(input).ConfigureAwait(false),
                    InputList<string> list => await Resolve(list).ConfigureAwait(false),
                    InputMap<string> map => await Resolve(map).ConfigureAwait(false),
                    _ => value,
                };
            }

            property.SetValue(resolved, value);
        }

        return ToStackConfig(resolved, projectName, stackName, defaultRegion);
    }

    /// <summary>
    /// Typed args from a stack's configuration, as the stack program hands them to the component. The config must
    /// have passed the settings reader; <c>deploymentEnvSecrets</c> (a secret) is set by the caller from Pulumi config.
    /// </summary>
    public static ConvexDeploymentArgs FromStackConfig(StackConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var args = new ConvexDeploymentArgs();
        foreach (var (property, key) in Inputs)
        {
            if (config.Find(key.FullName) is not { IsSecret: false, IsDeferred: false } value)
            {
                continue;
            }

            property.SetValue(args, FromRaw(value.Raw, property.PropertyType, key));
        }

        return args;
    }

    /// <summary>Secret deployment variables as one secret output, whatever the caller passed.</summary>
    internal static Output<ImmutableDictionary<string, string>>? Secrets(ConvexDeploymentArgs args) =>
        args.DeploymentEnvSecrets is { } map ? Output.CreateSecret(map.ToOutput()) : null;

    /// <summary>The localBackupBucket key pair as secret outputs, whatever the caller passed (null when not given).</summary>
    internal static (Output<string> AccessKeyId, Output<string> SecretAccessKey)? BucketKeys(ConvexDeploymentArgs args) =>
        args.LocalBackupBucketAccessKeyId is { } id && args.LocalBackupBucketSecretAccessKey is { } secret
            ? (Output.CreateSecret(id.ToOutput()), Output.CreateSecret(secret.ToOutput()))
            : null;

    /// <summary>The input as a plain value of the same type once its output is known; still the output while unknown.</summary>
    private static async Task<T> Resolve<T, TValue>(T input, Func<TValue, T> plain)
        where T : Input<TValue>
    {
        var output = input.ToOutput();
        return await OutputUtilities.GetIsKnownAsync(output).ConfigureAwait(false) && await OutputUtilities.GetValueAsync(output).ConfigureAwait(false) is { } value
            ? plain(value)
            : input;
    }

    private static Task<Input<string>> Resolve(Input<string> input) => Resolve<Input<string>, string>(input, value => value);

    private static Task<InputList<string>> Resolve(InputList<string> input) => Resolve<InputList<string>, ImmutableArray<string>>(input, value => value);

    private static Task<InputMap<string>> Resolve(InputMap<string> input) => Resolve<InputMap<string>, ImmutableDictionary<string, string>>(input, value => value);

    private static ConfigValue? ToConfigValue(object? value, SettingKey key) => value switch
    {
        null => null,
        InputMap<string> or Input<string> when SettingKeys.SecretKeys.Contains(key) => ConfigValue.Secret(),
        InputMap<string> map => KnownNow(map, items => new ConfigValue(JsonSerializer.Serialize(new SortedDictionary<string, string>(items, StringComparer.Ordinal)))),
        Input<string> input => KnownNow(input, text => new ConfigValue(text)),
        InputList<string> list => KnownNow(list, items => new ConfigValue(JsonSerializer.Serialize(items))),
        string text => new ConfigValue(text),
        int number => new ConfigValue(number.ToString(CultureInfo.InvariantCulture)),
        bool flag => new ConfigValue(flag ? "true" : "false"),
        List<string> items => new ConfigValue(JsonSerializer.Serialize(items)),
        Dictionary<string, string> map => new ConfigValue(JsonSerializer.Serialize(new SortedDictionary<string, string>(map, StringComparer.Ordinal))),
        _ => throw new InvalidOperationException($"{key.FullName}: no conversion for a value of type {value.GetType().Name}."),
    };

    /// <summary>
    /// A plain value wrapped in an <c>Input</c> is complete at once and is validated with everything else; an output of
    /// another resource is not yet, and is checked by the component once known.
    /// </summary>
    private static ConfigValue KnownNow<T>(Input<T> input, Func<T, ConfigValue> convert)
    {
        var output = input.ToOutput();
        var known = OutputUtilities.GetIsKnownAsync(output);
        var value = OutputUtilities.GetValueAsync(output);
        return known.IsCompletedSuccessfully && known.Result && value.IsCompletedSuccessfully && value.Result is { } plain
            ? convert(plain)
            : ConfigValue.Deferred();
    }

    private static object? FromRaw(string raw, Type type, SettingKey key)
    {
        if (type == typeof(string))
        {
            return raw;
        }

        if (type == typeof(int?))
        {
            return int.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        if (type == typeof(bool?))
        {
            return bool.Parse(raw);
        }

        if (type == typeof(Input<string>))
        {
            return (Input<string>)raw;
        }

        if (type == typeof(List<string>) || type == typeof(InputList<string>))
        {
            var items = JsonSerializer.Deserialize<List<string>>(raw) ?? [];
            return type == typeof(List<string>) ? (object)items : (InputList<string>)items.ToImmutableArray();
        }

        if (type == typeof(Dictionary<string, string>) || type == typeof(InputMap<string>))
        {
            using var document = JsonDocument.Parse(raw);
            var map = document.RootElement.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(),
                StringComparer.Ordinal);
            return type == typeof(InputMap<string>) ? (InputMap<string>)map : map;
        }

        throw new InvalidOperationException($"{key.FullName}: no conversion to {type.Name}.");
    }
}
