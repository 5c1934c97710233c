using ConvexInfra.Core.Spec;

namespace ConvexInfra.Components.Tests.Support;

/// <summary>The repository's stack files, copied next to the test assembly (see the csproj) and read as the program would.</summary>
internal static class StackFiles
{
    public const string ProjectName = "convex-infra";

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "stacks");

    public static IReadOnlyList<string> StackNames()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return System.IO.Directory.GetFiles(Directory, "Pulumi.*.yaml")
            .Select(path => Path.GetFileName(path)["Pulumi.".Length..^".yaml".Length])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public static StackConfig Load(string stackName) =>
        StackFile.Parse(File.ReadAllText(Path.Combine(Directory, $"Pulumi.{stackName}.yaml")), ProjectName, stackName);

    public static IReadOnlyList<string> WithTarget(string target) =>
        StackNames().Where(stack => Load(stack).Find($"{SettingKeys.Namespace}:target")?.Raw == target).ToList();

    /// <summary>Theory data; a theory with no rows fails in xunit, so a missing stack file cannot pass silently.</summary>
    public static TheoryData<string> Ec2Stacks()
    {
        var data = new TheoryData<string>();
        foreach (var stack in WithTarget("aws-ec2"))
        {
            data.Add(stack);
        }

        return data;
    }

    /// <summary>Every aws-ecs stack file; fails the theory when there is none.</summary>
    public static TheoryData<string> EcsStacks()
    {
        var data = new TheoryData<string>();
        foreach (var stack in WithTarget("aws-ecs"))
        {
            data.Add(stack);
        }

        return data;
    }

    /// <summary>Every stack file of either AWS target; fails the theory when there is none.</summary>
    public static TheoryData<string> AwsStacks()
    {
        var data = new TheoryData<string>();
        foreach (var stack in WithTarget("aws-ec2").Concat(WithTarget("aws-ecs")))
        {
            data.Add(stack);
        }

        return data;
    }

    /// <summary>A copy of a stack's config with one key replaced (or removed when <paramref name="raw"/> is null).</summary>
    public static StackConfig With(StackConfig config, string key, string? raw)
    {
        var values = new Dictionary<string, ConfigValue>(config.Values, StringComparer.Ordinal);
        if (raw is null)
        {
            values.Remove(key);
        }
        else
        {
            values[key] = new ConfigValue(raw);
        }

        return config with { Values = values };
    }
}
