namespace ConvexInfra.Core.Spec;

/// <summary>
/// Turns a stack's raw configuration into a validated <see cref="DeploymentSpec"/> with tier defaults
/// applied. Every problem is collected; the spec is returned only when there are none.
/// </summary>
public static class SettingsReader
{
    private static readonly Dictionary<string, DeploymentTarget> Targets = Enum.GetValues<DeploymentTarget>().ToDictionary(t => t.ConfigName());
    private static readonly Dictionary<string, Tier> Tiers = Enum.GetValues<Tier>().ToDictionary(t => t.ConfigName());

    public static SettingsReadResult Read(StackConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var values = new SettingValues(config);
        var unknownKeyErrors = UnknownKeys(config);

        var target = values.Choice(SettingKeys.Target, Targets);
        if (target is null && !values.Has(SettingKeys.Target))
        {
            values.FailMissing(SettingKeys.Target, "one of aws-ec2, aws-ecs, local (required)");
        }

        var tier = ResolveTier(values, config.StackName);
        var context = new ReadContext(values, target, tier, TierDefaults.For(tier));

        var instanceName = values.Text(SettingKeys.InstanceName, ValueRules.InstanceName);
        RequirePresent(values, SettingKeys.InstanceName, "an instance name (required; it can never change later)");
        var imageRevision = values.Text(SettingKeys.ImageRevision, ValueRules.ImageRevision);
        RequirePresent(values, SettingKeys.ImageRevision, "the 40-character git SHA of a self-hosted release (required)");
        var region = ReadRegion(context);

        var ports = EndpointSettings.LocalPorts(values);
        var endpoints = EndpointSettings.Read(context, ports);
        var network = InfrastructureSettings.Network(context);
        var database = InfrastructureSettings.Database(context);
        var compute = InfrastructureSettings.Compute(context);
        var protection = OperationsSettings.Protection(context);
        var monitoring = OperationsSettings.Monitoring(context);
        var backend = OperationsSettings.Backend(context, compute);
        var rotation = OperationsSettings.Rotation(context);
        var rollout = OperationsSettings.Rollout(context);
        var localBackups = LocalBackupSettings.Read(context);
        var local = context.IsLocal && ports is var (api, site, dashboard) ? new LocalSpec(api, site, dashboard, localBackups) : null;
        var tags = values.Map(SettingKeys.Tags) ?? new SortedDictionary<string, string>(StringComparer.Ordinal);
        CheckTags(values, tags);
        var extensions = ExtensionSettingsReader.Read(values);
        var recovery = RecoverySettingsReader.Read(context, region);
        var existingNetwork = ExistingNetworkSettings.Read(context);
        var (hasAlarmTopic, alarmTopicArn) = ExistingNetworkSettings.AlarmTopic(context);
        var boundary = values.Text(SettingKeys.RolePermissionsBoundary, ValueRules.PermissionsBoundary);
        if (boundary is not null && target?.IsAws() != true)
        {
            values.FailValue(SettingKeys.RolePermissionsBoundary, "nothing for a target other than aws-ec2 or aws-ecs: only AWS stacks create IAM roles");
        }

        var deployRoles = values.List(SettingKeys.DeployRoles) ?? [];
        foreach (var role in deployRoles)
        {
            if (ValueRules.RoleNameOrArn(role) is { } expected)
            {
                values.FailValue(SettingKeys.DeployRoles, $"'{role}': {expected}");
            }
        }

        if (deployRoles.Count > 0 && target?.IsAws() != true)
        {
            values.FailValue(SettingKeys.DeployRoles, "nothing for a target other than aws-ec2 or aws-ecs: only AWS stacks have a KMS key");
        }

        var zoneDeferred = values.IsDeferred(SettingKeys.HostedZoneId);
        var hostedZone = target?.IsAws() == true && !zoneDeferred ? values.Text(SettingKeys.HostedZoneId, ValueRules.HostedZoneId) : null;
        if (target == DeploymentTarget.AwsEcs && !values.Has(SettingKeys.HostedZoneId))
        {
            // The ALB's ACM certificate is validated through Route 53; without a zone it would never be issued.
            values.FailMissing(SettingKeys.HostedZoneId,
                "the Route 53 hosted zone of the domain: target aws-ecs validates its ACM certificate and creates its alias records there");
        }

        var errors = unknownKeyErrors.Concat(values.Errors).ToList();
        if (errors.Count > 0 || target is null || instanceName is null || imageRevision is null || endpoints is null)
        {
            return new SettingsReadResult(null, errors);
        }

        var spec = new DeploymentSpec
        {
            ProjectName = config.ProjectName,
            StackName = config.StackName,
            Target = target.Value,
            Tier = tier,
            InstanceName = instanceName,
            ImageRevision = imageRevision,
            Region = region,
            Endpoints = endpoints,
            Dns = hostedZone is null && !(zoneDeferred && target.Value.IsAws()) ? null : new DnsSpec(hostedZone),
            Network = network with { Existing = existingNetwork },
            Database = database,
            Compute = compute,
            Protection = protection,
            Monitoring = monitoring with { HasAlarmTopic = hasAlarmTopic, AlarmTopicArn = alarmTopicArn },
            Backend = backend,
            Rotation = rotation,
            Rollout = rollout,
            Local = local,
            Tags = tags,
            Extensions = extensions,
            Recovery = recovery,
            RolePermissionsBoundary = boundary,
            DeployRoles = deployRoles,
        };
        return new SettingsReadResult(spec, errors);
    }

    /// <summary>The tier key wins; otherwise a stack named dev, staging or prod gets that tier, any other dev.</summary>
    private static Tier ResolveTier(SettingValues values, string stackName)
    {
        var tier = values.Choice(SettingKeys.Tier, Tiers);
        if (tier is not null)
        {
            return tier.Value;
        }

        return Tiers.TryGetValue(stackName, out var fromStack) ? fromStack : Tier.Dev;
    }

    private static string? ReadRegion(ReadContext context)
    {
        if (context.Target?.IsAws() != true)
        {
            return null;
        }

        var region = context.Values.Text(SettingKeys.Region, ValueRules.AwsRegion);
        RequirePresent(context.Values, SettingKeys.Region, $"an AWS region (required for target {context.Target.Value.ConfigName()})");
        return region;
    }

    private static void RequirePresent(SettingValues values, SettingKey key, string expected)
    {
        if (!values.Has(key))
        {
            values.FailMissing(key, expected);
        }
    }

    private static void CheckTags(SettingValues values, IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (key, value) in tags)
        {
            var problem = ValueRules.TagEntry(key, value);
            if (problem is not null)
            {
                values.FailValue(SettingKeys.Tags, problem);
            }
        }
    }

    /// <summary>Unknown keys of our namespace are errors (likely typos); other namespaces belong to providers and Pulumi.</summary>
    private static List<ConfigError> UnknownKeys(StackConfig config)
    {
        var errors = new List<ConfigError>();
        foreach (var (fullName, value) in config.Values.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var given = value.IsSecret ? "a secret value (hidden)" : SettingValues.Quote(value.Raw);
            if (!fullName.Contains(':', StringComparison.Ordinal))
            {
                var bare = KeySuggestions.Closest(fullName, SettingKeys.All);
                errors.Add(new ConfigError(fullName, given, $"a key with its namespace, e.g. {bare?.FullName ?? SettingKeys.Namespace + ":" + fullName}",
                    bare?.ExampleLine ?? SettingKeys.Target.ExampleLine));
                continue;
            }

            if (!fullName.StartsWith(SettingKeys.Namespace + ":", StringComparison.Ordinal) || SettingKeys.Find(fullName) is not null)
            {
                continue;
            }

            var suggestion = KeySuggestions.Closest(fullName, SettingKeys.All);
            errors.Add(suggestion is null
                ? new ConfigError(fullName, given, $"a known {SettingKeys.Namespace} key (this one is unknown; docs/spec.md lists them all)", SettingKeys.Target.ExampleLine)
                : new ConfigError(fullName, given, $"a known key (did you mean {suggestion.FullName}?)", suggestion.ExampleLine));
        }

        return errors;
    }
}

/// <summary>What every section reader needs: the values, the target (null when it is missing or invalid) and the tier's defaults.</summary>
internal sealed record ReadContext(SettingValues Values, DeploymentTarget? Target, Tier Tier, TierDefaults Defaults)
{
    public bool IsAws => Target?.IsAws() == true;
    public bool IsLocal => Target == DeploymentTarget.Local;
}
