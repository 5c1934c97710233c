using System.Globalization;
using System.Text;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Planning;

/// <summary>The knob tables of docs/tuning.md, rendered from <see cref="BackendKnobs"/> and the repository's stack files.</summary>
public static class TuningTables
{
    /// <summary>One row per knob: key, variable, the image's default, the accepted range.</summary>
    public static string Knobs()
    {
        var builder = new StringBuilder("| `backendTuning` key | backend variable | image default | accepted |\n|---|---|---:|---|\n");
        foreach (var knob in BackendKnobs.All)
        {
            builder.Append(CultureInfo.InvariantCulture,
                $"| `{knob.Key}` | `{knob.EnvName}` | {knob.UpstreamDefault} | {knob.Min}..{knob.Max} {knob.Unit} |\n");
        }

        return builder.ToString();
    }

    /// <summary>One row per stack: the machine's memory, the values it runs with, and the proxy timeouts they give.</summary>
    public static string Stacks(IReadOnlyList<StackPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        var builder = new StringBuilder(
            "| stack | backend machine | queries | mutations | V8 actions | Node actions | HTTP timeout | proxy timeout | ALB idle timeout |\n" +
            "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var plan in plans)
        {
            var spec = plan.Spec;
            var k = spec.Backend.Knobs;
            var machine = spec.Target switch
            {
                DeploymentTarget.AwsEc2 => $"{spec.Compute.Ec2InstanceType} ({Memory(InstanceMemory.MiB(spec.Compute.Ec2InstanceType))})",
                DeploymentTarget.AwsEcs => $"Fargate {Memory(spec.Compute.FargateMemoryMb)}",
                _ => "this computer (unknown)",
            };
            var proxy = spec.Target == DeploymentTarget.Local ? "–" : $"{Caddyfile.ProxyTimeoutSeconds(spec)} s";
            var alb = spec.Target == DeploymentTarget.AwsEcs ? $"{EcsDeploymentSettings.LoadBalancerIdleTimeoutSeconds(spec)} s" : "–";
            builder.Append(CultureInfo.InvariantCulture,
                $"| `{spec.StackName}` | {machine} | {k.MaxConcurrentQueries} | {k.MaxConcurrentMutations} | {k.MaxConcurrentV8Actions} | {k.MaxConcurrentNodeActions} | " +
                $"{k.HttpServerTimeoutSeconds} s | {proxy} | {alb} |\n");
        }

        return builder.ToString();
    }

    private static string Memory(int? mib) => mib is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m / 1024.0:0.#} GiB") : "unknown memory";
}
