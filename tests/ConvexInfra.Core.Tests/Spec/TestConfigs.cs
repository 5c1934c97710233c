using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

/// <summary>Valid baseline configs; each test changes only the keys it is about.</summary>
internal static class TestConfigs
{
    public const string Revision = "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf";

    public static StackConfig Aws(string stack = "dev", params (string Key, string? Value)[] changes) =>
        Build(stack, new()
        {
            ["aws:region"] = new("eu-west-1"),
            ["convex-infra:target"] = new("aws-ec2"),
            ["convex-infra:instanceName"] = new("acme-dev"),
            ["convex-infra:imageRevision"] = new(Revision),
            ["convex-infra:domain"] = new("convex.example.com"),
        }, changes);

    public static StackConfig Local(params (string Key, string? Value)[] changes) =>
        Build("local", new()
        {
            ["convex-infra:target"] = new("local"),
            ["convex-infra:instanceName"] = new("acme-local"),
            ["convex-infra:imageRevision"] = new(Revision),
        }, changes);

    /// <summary>A key without ':' means convex-infra:key; a null value removes the key.</summary>
    public static StackConfig With(this StackConfig config, params (string Key, string? Value)[] changes) =>
        Build(config.StackName, new Dictionary<string, ConfigValue>(config.Values), changes);

    public static StackConfig WithSecret(this StackConfig config, string key)
    {
        var values = new Dictionary<string, ConfigValue>(config.Values) { [FullKey(key)] = ConfigValue.Secret() };
        return config with { Values = values };
    }

    public static string FullKey(string key) => key.Contains(':', StringComparison.Ordinal) ? key : $"convex-infra:{key}";

    public static DeploymentSpec ReadValid(StackConfig config)
    {
        var result = SettingsReader.Read(config);
        Assert.True(result.IsValid, result.ErrorReport);
        return result.Spec!;
    }

    /// <summary>Reads an invalid config and returns the errors, asserting there is at least one.</summary>
    public static IReadOnlyList<ConfigError> ReadErrors(StackConfig config)
    {
        var result = SettingsReader.Read(config);
        Assert.Null(result.Spec);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    private static StackConfig Build(string stack, Dictionary<string, ConfigValue> values, (string Key, string? Value)[] changes)
    {
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                values.Remove(FullKey(key));
            }
            else
            {
                values[FullKey(key)] = new ConfigValue(value);
            }
        }

        return new StackConfig("convex-infra", stack, values);
    }
}
