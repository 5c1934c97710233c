using System.Text.Json;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Cost;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Planning;

/// <summary>Builds the offline plan of a stack: the resources in words, the rendered artifacts and the cost.</summary>
public static class StackPlanner
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static StackPlan Plan(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new StackPlan(spec, PlannedResources.For(spec), Artifacts(spec), CostEstimator.Estimate(spec), Planning.DeployTime.Estimate(spec));
    }

    private static List<RenderedFile> Artifacts(DeploymentSpec spec)
    {
        var files = new List<RenderedFile>();
        if (spec.Target == DeploymentTarget.Local)
        {
            var backendLocal = ConvexEnvironment.Backend(spec, aws: null);
            files.Add(new RenderedFile("local/docker-compose.preview.yml", LocalCompose.Render(LocalPlanner.Plan(spec)), "0644"));
            files.Add(EnvArtifact("env/backend.env", backendLocal));
            files.Add(new RenderedFile("env/dashboard.env", EnvFile.Render(ConvexEnvironment.Dashboard(spec)), "0644"));
            return files;
        }

        var aws = PlanPlaceholders.Aws(spec);
        files.Add(EnvArtifact("env/backend.env", ConvexEnvironment.Backend(spec, aws)));
        files.Add(new RenderedFile("env/dashboard.env", EnvFile.Render(ConvexEnvironment.Dashboard(spec)), "0644"));
        files.AddRange(AwsPlanArtifacts.For(spec));
        return files;
    }

    /// <summary>The plain variables as an env file, and the secret ones as comments saying where they come from at runtime.</summary>
    private static RenderedFile EnvArtifact(string path, ContainerEnvironment environment)
    {
        var secrets = environment.Secrets.Select(s => $"# {s.Name}: secret ({s.Kind}), fetched at runtime, never rendered\n");
        return new RenderedFile(path, string.Concat(secrets) + EnvFile.Render(environment.Plain), "0644");
    }
}
