using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ConvexInfra.Components;
using ConvexInfra.Core.Outputs;
using ConvexInfra.Core.Spec;
using Pulumi.Experimental.Provider;

namespace ConvexInfra.Provider;

/// <summary>
/// The package schema: Pulumi's <see cref="ComponentAnalyzer"/> over <see cref="ConvexDeployment"/> (inputs from
/// <see cref="ConvexDeploymentArgs"/>, outputs from the <c>[Output]</c> properties), plus what the analyzer has no
/// attribute for: the admin key and <c>deploymentEnvSecrets</c> marked secret, and a description per property (the
/// setting's own description).
/// </summary>
public static class ConvexInfraSchema
{
    public const string PackageName = "convex-infra";
    public const string Version = "0.1.0";
    public const string ResourceToken = ComponentTokens.ConvexDeployment;

    /// <summary>The schema's publisher namespace (generated SDKs and the registry address use it); never empty.</summary>
    public const string Namespace = "convex-infra";

    public static Metadata Metadata { get; } = new(PackageName, Namespace, Version, "Convex (self-hosted)");

    private static readonly JsonSerializerOptions Compact = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly Dictionary<string, string> OutputDescriptions = new(StringComparer.Ordinal)
    {
        [StackOutputNames.ApiUrl] = "Public API origin (port 3210): CONVEX_SELF_HOSTED_URL, VITE_CONVEX_URL, NEXT_PUBLIC_CONVEX_URL.",
        [StackOutputNames.SiteUrl] = "Public origin of HTTP actions: CONVEX_SITE_ORIGIN, webhooks, Convex Auth.",
        [StackOutputNames.DashboardUrl] = "The self-hosted dashboard; log in with adminKey.",
        [StackOutputNames.AdminKey] = "Admin key of the instance (CONVEX_SELF_HOSTED_ADMIN_KEY); secret.",
        [StackOutputNames.InstanceName] = "Convex instance name.",
        [StackOutputNames.Target] = "aws-ec2, aws-ecs or local.",
        [StackOutputNames.Tier] = "dev, staging or prod.",
        [StackOutputNames.Stack] = "The Pulumi stack that deployed it.",
        [StackOutputNames.Region] = "AWS region (empty for local).",
        [StackOutputNames.ImageRevision] = "Git SHA of the backend and dashboard images.",
        [StackOutputNames.DatabaseEndpoint] = "RDS address (or the local Postgres container; empty with SQLite).",
        [StackOutputNames.Buckets] = "Bucket names by role: exports, snapshotImports, modules, files, search (AWS).",
        [StackOutputNames.SecretParameters] = "SSM parameter names (not values) of the instance secret, POSTGRES_URL and admin key (AWS).",
        [StackOutputNames.DnsRecords] = "Records to create by hand when no hostedZoneId is given (name, type, value); empty otherwise.",
    };

    /// <summary>The schema as the provider serves it (indented JSON).</summary>
    public static string Json()
    {
        var spec = ComponentAnalyzer.GenerateSchema(Metadata, typeof(ConvexDeployment));
        var node = JsonNode.Parse(JsonSerializer.Serialize(spec, Compact))!;
        var resource = node["resources"]![ResourceToken]!.AsObject();

        foreach (var (name, property) in resource["inputProperties"]!.AsObject())
        {
            property!["description"] = ConvexDeploymentSettings.KeyFor(name).Description;
        }

        foreach (var (name, property) in resource["properties"]!.AsObject())
        {
            property!["description"] = OutputDescriptions.TryGetValue(name, out var text)
                ? text
                : throw new InvalidOperationException($"Output '{name}' of ConvexDeployment has no description in ConvexInfraSchema.");
        }

        resource["properties"]![StackOutputNames.AdminKey]!["secret"] = true;

        // Generated SDKs wrap secret inputs in secrets on the caller's side, so the values never sit in plain state.
        foreach (var key in SettingKeys.SecretKeys)
        {
            resource["inputProperties"]![key.Name]!["secret"] = true;
        }

        resource["description"] = "Self-hosted Convex (backend and dashboard) on AWS EC2, AWS ECS Fargate or local Docker, with its database, buckets, secrets, alarms and backups.";
        return node.ToJsonString(Indented) + "\n";
    }
}
