using System.Text.Json;
using ConvexInfra.Core.Spec;
using Pulumi;

namespace ConvexInfra;

/// <summary>
/// Builds Core's <see cref="StackConfig"/> from the running stack's Pulumi config: every known key through
/// <see cref="Config"/>, secret ones as an opaque <see cref="ConfigValue.Secret"/> (their plaintext never reaches
/// Core), plus any unknown <c>convex-infra:*</c> key so the settings reader can suggest the one that was meant.
/// </summary>
internal static class PulumiStackConfig
{
    // Set by the Pulumi language host for every program; the .NET SDK reads the same two variables.
    private const string ConfigVariable = "PULUMI_CONFIG";
    private const string SecretKeysVariable = "PULUMI_CONFIG_SECRET_KEYS";

    public static StackConfig Read(string projectName, string stackName)
    {
        var secretKeys = ParseSecretKeys(Environment.GetEnvironmentVariable(SecretKeysVariable));
        var values = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        var known = new HashSet<string>(StringComparer.Ordinal);

        foreach (var key in SettingKeys.All)
        {
            known.Add(key.FullName);
            Add(values, secretKeys, key.Namespace, key.Name);
        }

        foreach (var fullKey in ConfiguredKeys(Environment.GetEnvironmentVariable(ConfigVariable)))
        {
            var separator = fullKey.IndexOf(':', StringComparison.Ordinal);
            if (separator > 0 && fullKey[..separator] == SettingKeys.Namespace && !known.Contains(fullKey))
            {
                Add(values, secretKeys, SettingKeys.Namespace, fullKey[(separator + 1)..]);
            }
        }

        return new StackConfig(projectName, stackName, values);
    }

    private static void Add(Dictionary<string, ConfigValue> values, HashSet<string> secretKeys, string ns, string name)
    {
        var fullKey = $"{ns}:{name}";
        var raw = new Config(ns).Get(name);
        if (raw is null)
        {
            return;
        }

        values[fullKey] = secretKeys.Contains(fullKey) ? ConfigValue.Secret() : new ConfigValue(raw);
    }

    private static HashSet<string> ParseSecretKeys(string? json)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return keys;
        }

        using var document = JsonDocument.Parse(json);
        foreach (var element in document.RootElement.EnumerateArray())
        {
            if (element.GetString() is { } key)
            {
                keys.Add(CleanKey(key));
            }
        }

        return keys;
    }

    private static List<string> ConfiguredKeys(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().Select(p => CleanKey(p.Name)).ToList();
    }

    /// <summary>Older hosts spell keys <c>project:config:key</c>; the SDK drops the <c>config:</c> part, and so do we.</summary>
    private static string CleanKey(string key)
    {
        var separator = key.IndexOf(':', StringComparison.Ordinal);
        return separator > 0 && key[(separator + 1)..].StartsWith("config:", StringComparison.Ordinal)
            ? key[..separator] + ":" + key[(separator + 1 + "config:".Length)..]
            : key;
    }
}
