using System.Globalization;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Cost;

/// <summary>
/// Monthly on-demand cost of a stack from us-east-1 list prices (730 hours a month). It prices what the
/// program creates: the EC2 host with its volume and Elastic IP, or the Fargate task behind a load
/// balancer (with a NAT gateway when tasks sit in private subnets); RDS (doubled for Multi-AZ, whose
/// standby is billed like the primary); S3, logs and the hosted zone at stated usage assumptions; and the
/// backups and monitoring (<see cref="OpsCostLines"/>).
/// </summary>
public static class CostEstimator
{
    public const string InstanceTypeKey = "convex-infra:instanceType";
    public const string DbInstanceClassKey = "convex-infra:dbInstanceClass";

    private const int FreeFargateEphemeralGb = 20;

    public static CostEstimate Estimate(DeploymentSpec spec) => Estimate(spec, PriceTable.UsEast1());

    public static CostEstimate Estimate(DeploymentSpec spec, PriceTable prices)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(prices);
        if (spec.Target == DeploymentTarget.Local)
        {
            return new CostEstimate(
                [new CostLine("Local Docker", "runs on your own machine; nothing is billed by AWS", 0m)],
                0m,
                "The local target creates no cloud resources.");
        }

        var rates = prices.Rates;
        var lines = new List<CostLine>();
        if (spec.Target == DeploymentTarget.AwsEc2)
        {
            lines.AddRange(Ec2Lines(spec, prices));
        }
        else
        {
            lines.AddRange(EcsLines(spec, prices));
        }

        if (spec.Database.Engine == DatabaseEngine.Postgres)
        {
            lines.AddRange(DatabaseLines(spec.Database, prices));
        }

        var assumptions = prices.Assumptions;
        lines.Add(Line("S3 storage", $"{Num(assumptions.S3StoredGb)} GB Standard over the five buckets (assumed) × ${Num(rates.S3StandardGbMonth)}/GB-month", assumptions.S3StoredGb * rates.S3StandardGbMonth));
        lines.Add(Line("CloudWatch Logs", $"{Num(assumptions.LogIngestGbPerMonth)} GB ingested a month (assumed) × ${Num(rates.CloudWatchLogsIngestPerGb)}/GB", assumptions.LogIngestGbPerMonth * rates.CloudWatchLogsIngestPerGb));
        if (spec.Dns is not null)
        {
            lines.Add(Line("Route 53 hosted zone", $"zone {spec.Dns.HostedZoneId} (billed once per zone, even if shared)", rates.Route53HostedZoneMonth));
        }

        lines.Add(Line("SSM Parameter Store", "standard parameters for the stack's secrets and release", rates.SsmStandardParameterMonth));
        lines.Add(Line("KMS key", "the stack's own key for its SecureString parameters (rotation on; see the price note)", rates.KmsKeyMonth));
        lines.AddRange(OpsCostLines.For(spec, prices));
        return new CostEstimate(lines, lines.Sum(line => line.MonthlyUsd), Note(spec, prices));
    }

    private static IEnumerable<CostLine> Ec2Lines(DeploymentSpec spec, PriceTable prices)
    {
        var compute = spec.Compute;
        var hourly = Price(prices.Ec2InstanceHourly, compute.Ec2InstanceType, InstanceTypeKey, "t4g.medium");
        var rates = prices.Rates;
        yield return Line("EC2 instance", $"{compute.Ec2InstanceType}, {prices.HoursPerMonth} h × ${Num(hourly)}", hourly * prices.HoursPerMonth);
        yield return Line("EBS gp3 root volume", $"{compute.RootVolumeGb} GB × ${Num(rates.EbsGp3GbMonth)}/GB-month", compute.RootVolumeGb * rates.EbsGp3GbMonth);
        yield return PublicIpv4("Elastic IP", "the host's public IPv4 address", 1, prices);
    }

    private static IEnumerable<CostLine> EcsLines(DeploymentSpec spec, PriceTable prices)
    {
        var compute = spec.Compute;
        var rates = prices.Rates;
        var hours = prices.HoursPerMonth;
        var vcpu = compute.FargateCpu / 1024m;
        var memoryGb = compute.FargateMemoryMb / 1024m;
        yield return Line("Fargate vCPU (ARM)", $"{Num(vcpu)} vCPU × {hours} h × ${Num(rates.FargateArmVcpuHourly)}", vcpu * hours * rates.FargateArmVcpuHourly);
        yield return Line("Fargate memory (ARM)", $"{Num(memoryGb)} GB × {hours} h × ${Num(rates.FargateArmGbHourly)}", memoryGb * hours * rates.FargateArmGbHourly);
        var extraStorage = Math.Max(0, compute.FargateEphemeralStorageGb - FreeFargateEphemeralGb);
        if (extraStorage > 0)
        {
            yield return Line("Fargate ephemeral storage", $"{extraStorage} GB above the free {FreeFargateEphemeralGb} GB × {hours} h × ${Num(rates.FargateEphemeralGbHourlyAbove20)}", extraStorage * hours * rates.FargateEphemeralGbHourlyAbove20);
        }

        // The dashboard's own task (Ecs.EcsDeploymentSettings): same Fargate ARM rates.
        var dashboardVcpu = Ecs.EcsDeploymentSettings.DashboardCpu / 1024m;
        var dashboardGb = Ecs.EcsDeploymentSettings.DashboardMemoryMb / 1024m;
        yield return Line("Dashboard task (Fargate ARM)", $"({Num(dashboardVcpu)} vCPU × ${Num(rates.FargateArmVcpuHourly)} + {Num(dashboardGb)} GB × ${Num(rates.FargateArmGbHourly)}) × {hours} h",
            hours * ((dashboardVcpu * rates.FargateArmVcpuHourly) + (dashboardGb * rates.FargateArmGbHourly)));

        var lcus = prices.Assumptions.AlbAverageLcus;
        yield return Line("Application Load Balancer", $"{hours} h × ${Num(rates.AlbHourly)}", hours * rates.AlbHourly);
        yield return Line("Load balancer capacity units", $"{Num(lcus)} LCU on average (assumed) × {hours} h × ${Num(rates.AlbLcuHourly)}", lcus * hours * rates.AlbLcuHourly);
        var zones = spec.Network.AvailabilityZoneCount;
        yield return PublicIpv4("Load balancer public IPv4", $"one address per availability zone ({zones})", zones, prices);
        if (compute.EcsSubnets == EcsSubnetPlacement.PrivateWithNat && spec.Network.Existing is not null)
        {
            // An existing VPC routes its private subnets itself: no NAT gateway of ours.
        }
        else if (compute.EcsSubnets == EcsSubnetPlacement.PrivateWithNat)
        {
            yield return Line("NAT gateway", $"one gateway, {hours} h × ${Num(rates.NatGatewayHourly)} (plus ${Num(rates.NatGatewayPerGbProcessed)}/GB processed, not included)", hours * rates.NatGatewayHourly);
            yield return PublicIpv4("NAT gateway public IPv4", "the gateway's Elastic IP", 1, prices);
        }
        else
        {
            yield return PublicIpv4("Task public IPv4", "the backend's and the dashboard's task addresses in a public subnet", 2, prices);
        }
    }

    private static IEnumerable<CostLine> DatabaseLines(DatabaseSpec database, PriceTable prices)
    {
        var hourly = Price(prices.RdsPostgresInstanceHourlySingleAz, database.InstanceClass, DbInstanceClassKey, "db.t4g.medium");
        var copies = database.MultiAz ? 2 : 1;
        var layout = database.MultiAz ? "Multi-AZ (primary + standby, ×2)" : "single-AZ";
        var hours = prices.HoursPerMonth;
        var storageRate = prices.Rates.RdsStorageGbMonthSingleAz;
        yield return Line("RDS PostgreSQL instance", $"{database.InstanceClass}, {layout}, {hours} h × ${Num(hourly)}", hourly * hours * copies);
        yield return Line("RDS storage", $"{database.AllocatedStorageGb} GB gp3, {layout} × ${Num(storageRate)}/GB-month", database.AllocatedStorageGb * storageRate * copies);
    }

    private static CostLine PublicIpv4(string item, string detail, int count, PriceTable prices)
    {
        var rate = prices.Rates.PublicIpv4Hourly;
        return Line(item, $"{detail}: {count} × {prices.HoursPerMonth} h × ${Num(rate)}", count * prices.HoursPerMonth * rate);
    }

    private static decimal Price(IReadOnlyDictionary<string, decimal> table, string size, string key, string example) =>
        table.TryGetValue(size, out var hourly)
            ? hourly
            : throw new ArgumentException(
                new ConfigError(key, $"'{size}'", $"a size with a known price: {string.Join(", ", table.Keys.Order(StringComparer.Ordinal))}", example).ToString(),
                nameof(size));

    /// <summary>Each line is rounded to cents, so the total is exactly the sum of what is shown.</summary>
    private static CostLine Line(string item, string detail, decimal monthly) =>
        new(item, detail, Math.Round(monthly, 2, MidpointRounding.AwayFromZero));

    private static string Num(decimal value) => value.ToString("0.#####", CultureInfo.InvariantCulture);

    private static string Note(DeploymentSpec spec, PriceTable prices)
    {
        var region = spec.Region is null || spec.Region == prices.Region
            ? ""
            : $" This stack runs in {spec.Region}, where prices differ; no conversion is applied.";
        return $"Prices are {prices.Region} on-demand list prices in {prices.Currency} (as of {prices.AsOf}), "
            + $"{prices.HoursPerMonth} hours a month.{region} Not included: data transfer out, NAT gateway data processing, "
            + "S3 requests, Container Insights, RDS backup storage beyond the free allowance, free tiers, taxes.";
    }
}
