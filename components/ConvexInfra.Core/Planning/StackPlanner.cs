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
        return new StackPlan(spec, PlannedResources.For(spec), Artifacts(spec), CostEstimator.Estimate(spec));
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
        var account = PlanPlaceholders.Account(spec);
        var backend = ConvexEnvironment.Backend(spec, aws);
        files.Add(EnvArtifact("env/backend.env", backend));
        files.Add(new RenderedFile("env/dashboard.env", EnvFile.Render(ConvexEnvironment.Dashboard(spec)), "0644"));

        var network = NetworkPlanner.Plan(spec.Network.VpcCidr, PlanPlaceholders.AvailabilityZones(spec));
        files.Add(new RenderedFile("aws/network-plan.json", JsonSerializer.Serialize(network, Indented) + "\n", "0644"));

        var parameters = ResourceNames.SecretParameters(spec).All.ToList();
        if (spec.Target == DeploymentTarget.AwsEc2)
        {
            parameters.Add(ResourceNames.ReleaseParameter(spec));
            files.Add(new RenderedFile("aws/iam/ec2-assume-role.json", IamPolicies.Ec2AssumeRole() + "\n", "0644"));
            files.AddRange(Ec2Artifacts.RenderAll(spec, aws));
        }
        else
        {
            files.Add(new RenderedFile("aws/iam/ecs-tasks-assume-role.json", IamPolicies.EcsTasksAssumeRole() + "\n", "0644"));
        }

        files.Add(new RenderedFile("aws/iam/backend-access.json", IamPolicies.BackendAccess(account, aws.Buckets, parameters, kmsKeyArn: null) + "\n", "0644"));
        foreach (var bucket in aws.Buckets.All)
        {
            files.Add(new RenderedFile($"aws/iam/bucket-policy-{bucket}.json", IamPolicies.TlsOnlyBucketPolicy(account.Partition, bucket) + "\n", "0644"));
        }

        return files;
    }

    /// <summary>The plain variables as an env file, and the secret ones as comments saying where they come from at runtime.</summary>
    private static RenderedFile EnvArtifact(string path, ContainerEnvironment environment)
    {
        var secrets = environment.Secrets.Select(s => $"# {s.Name}: secret ({s.Kind}), fetched at runtime, never rendered\n");
        return new RenderedFile(path, string.Concat(secrets) + EnvFile.Render(environment.Plain), "0644");
    }
}
