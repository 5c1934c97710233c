using ConvexInfra.Core.Aws;

namespace ConvexInfra.Core.Spec;

/// <summary>Network, database and compute settings: tier defaults, overrides and their cross-checks.</summary>
internal static class InfrastructureSettings
{
    private static readonly Dictionary<string, DatabaseEngine> Engines = Enum.GetValues<DatabaseEngine>().ToDictionary(e => e.ConfigName());
    private static readonly Dictionary<string, EcsSubnetPlacement> Placements = Enum.GetValues<EcsSubnetPlacement>().ToDictionary(p => p.ConfigName());

    public static NetworkSpec Network(ReadContext context)
    {
        var values = context.Values;
        var vpc = values.Text(SettingKeys.VpcCidr, VpcCidrProblem) ?? TierDefaults.VpcCidr;
        var zones = values.Int(SettingKeys.AvailabilityZones, 2, 3) ?? TierDefaults.AvailabilityZones;
        var http = CidrList(values, SettingKeys.HttpAllowedCidrs, allowWorld: true) ?? [TierDefaults.HttpAllowedCidr];
        if (context.IsAws && values.Has(SettingKeys.HttpAllowedCidrs) && http.Count == 0)
        {
            values.FailValue(SettingKeys.HttpAllowedCidrs, "at least one network: an empty list blocks every client, including your apps");
        }

        var ssh = CidrList(values, SettingKeys.SshAllowedCidrs, allowWorld: false) ?? [];
        var dashboard = CidrList(values, SettingKeys.DashboardAllowedCidrs, allowWorld: true) ?? http;
        return new NetworkSpec(vpc, zones, http, ssh, dashboard);
    }

    public static DatabaseSpec Database(ReadContext context)
    {
        var values = context.Values;
        var defaults = context.Defaults;
        var engine = values.Choice(SettingKeys.Database, Engines);
        if (engine == DatabaseEngine.Sqlite && context.IsAws)
        {
            values.FailValue(SettingKeys.Database, $"postgres: target {context.Target!.Value.ConfigName()} always uses RDS PostgreSQL; sqlite is only for target local");
        }

        var resolvedEngine = engine ?? (context.IsAws ? DatabaseEngine.Postgres : DatabaseEngine.Sqlite);
        var version = values.Text(SettingKeys.DbEngineVersion, ValueRules.PostgresVersion) ?? TierDefaults.DbEngineVersion;
        var instanceClass = values.Text(SettingKeys.DbInstanceClass, ValueRules.DbInstanceClass) ?? defaults.DbInstanceClass;
        var allocated = values.Int(SettingKeys.DbAllocatedStorageGb, 20, 65536) ?? defaults.DbAllocatedStorageGb;
        var maxAllocated = values.Int(SettingKeys.DbMaxAllocatedStorageGb, 20, 65536);
        if (maxAllocated < allocated)
        {
            values.FailValue(SettingKeys.DbMaxAllocatedStorageGb, $"at least dbAllocatedStorageGb ({allocated}); equal to it turns storage autoscaling off");
        }

        var multiAz = values.Bool(SettingKeys.DbMultiAz) ?? defaults.DbMultiAz;
        var backups = values.Int(SettingKeys.BackupRetentionDays, 0, 35) ?? defaults.BackupRetentionDays;
        if (context.Tier == Tier.Prod && backups < TierDefaults.ProdMinimumBackupRetentionDays)
        {
            values.FailValue(SettingKeys.BackupRetentionDays, $"at least {TierDefaults.ProdMinimumBackupRetentionDays} days for a prod stack (up to 35)");
        }

        return new DatabaseSpec(resolvedEngine, version, instanceClass, allocated,
            maxAllocated ?? Math.Max(defaults.DbMaxAllocatedStorageGb, allocated), multiAz, backups);
    }

    public static ComputeSpec Compute(ReadContext context)
    {
        var values = context.Values;
        var defaults = context.Defaults;
        var instanceType = values.Text(SettingKeys.InstanceType, ValueRules.GravitonInstanceType) ?? defaults.Ec2InstanceType;
        var rootVolume = values.Int(SettingKeys.RootVolumeGb, 8, 16384) ?? defaults.RootVolumeGb;

        var cpu = values.Int(SettingKeys.FargateCpu, int.MinValue, int.MaxValue);
        if (cpu is not null && !FargateSizes.CpuUnits.Contains(cpu.Value))
        {
            values.FailValue(SettingKeys.FargateCpu, $"one of {string.Join(", ", FargateSizes.CpuUnits)} (CPU units; 1024 = 1 vCPU)");
            cpu = null;
        }

        // An invalid cpu is already reported; judging memory against the default cpu would only confuse.
        var cpuUsable = cpu is not null || !values.Has(SettingKeys.FargateCpu);
        var resolvedCpu = cpu ?? defaults.FargateCpu;
        var memory = values.Int(SettingKeys.FargateMemoryMb, int.MinValue, int.MaxValue);
        if (memory is not null && cpuUsable && !FargateSizes.IsValid(resolvedCpu, memory.Value))
        {
            values.FailValue(SettingKeys.FargateMemoryMb, $"a memory size Fargate allows with fargateCpu {resolvedCpu}: {FargateSizes.DescribeMemoryFor(resolvedCpu)}");
        }

        var resolvedMemory = memory ?? (FargateSizes.IsValid(resolvedCpu, defaults.FargateMemoryMb)
            ? defaults.FargateMemoryMb
            : FargateSizes.MemoryFor(resolvedCpu)[0]);
        var ephemeral = values.Int(SettingKeys.FargateEphemeralStorageGb, 21, 200) ?? TierDefaults.FargateEphemeralStorageGb;
        var subnets = values.Choice(SettingKeys.EcsSubnets, Placements) ?? defaults.EcsSubnets;
        var acmeEmail = values.Text(SettingKeys.AcmeEmail, ValueRules.Email);
        return new ComputeSpec(instanceType, rootVolume, resolvedCpu, resolvedMemory, ephemeral, subnets, acmeEmail);
    }

    private static string? VpcCidrProblem(string text)
    {
        if (!Ipv4Cidr.TryParse(text, out var cidr, out var problem))
        {
            return problem;
        }

        if (cidr.PrefixLength is < 16 or > 24)
        {
            return $"a prefix length from /16 to /24 (got /{cidr.PrefixLength})";
        }

        if (!cidr.IsPrivate)
        {
            return "a private (RFC 1918) range: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16";
        }

        // The network planner's own rules (e.g. no overlap with Docker's bridge on the host) must agree with the reader.
        return NetworkPlanner.ValidateVpcCidr(text)?.Expected;
    }

    /// <summary>Each item is checked on its own, so one error names each bad network.</summary>
    private static List<string>? CidrList(SettingValues values, SettingKey key, bool allowWorld)
    {
        var items = values.List(key);
        if (items is null)
        {
            return null;
        }

        var valid = true;
        foreach (var item in items)
        {
            if (!Ipv4Cidr.TryParse(item, out var cidr, out var problem))
            {
                values.Fail(key, $"{SettingValues.Quote(item)} in the list", problem);
                valid = false;
            }
            else if (!allowWorld && cidr.IsWorld)
            {
                values.Fail(key, $"{SettingValues.Quote(item)} in the list",
                    "only your own networks (office, VPN, bastion): 0.0.0.0/0 opens SSH to the whole internet; leave the list empty and use SSM Session Manager instead");
                valid = false;
            }
        }

        return valid ? [.. items] : null;
    }
}
