using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConvexInfra.Core.Cost;

/// <summary>Per-unit list prices in USD that are not tied to an instance size.</summary>
public sealed record PriceRates(
    decimal RdsStorageGbMonthSingleAz,
    decimal EbsGp3GbMonth,
    decimal PublicIpv4Hourly,
    decimal AlbHourly,
    decimal AlbLcuHourly,
    decimal NatGatewayHourly,
    decimal NatGatewayPerGbProcessed,
    decimal FargateArmVcpuHourly,
    decimal FargateArmGbHourly,
    decimal FargateEphemeralGbHourlyAbove20,
    decimal CloudWatchLogsIngestPerGb,
    decimal S3StandardGbMonth,
    decimal Route53HostedZoneMonth,
    decimal SsmStandardParameterMonth,
    decimal FargateX86VcpuHourly,
    decimal FargateX86GbHourly,
    decimal CloudWatchLogsStorageGbMonth,
    decimal CloudWatchAlarmMonth,
    decimal CloudWatchDashboardMonth,
    decimal Route53HealthCheckAwsEndpointMonth,
    decimal Route53HealthCheckOptionalFeatureMonth,
    decimal SnsEmailPer100k,
    decimal SchedulerPerMillionInvocations,
    decimal KmsKeyMonth,
    decimal S3InterRegionTransferPerGb,
    decimal S3PutPer1000Requests,
    decimal RdsBackupStorageGbMonth,
    decimal RdsInterRegionTransferPerGb,
    decimal CloudWatchCustomMetricMonth);

/// <summary>Usage the estimate cannot know from the spec; stated in each line's detail.</summary>
public sealed record UsageAssumptions(
    decimal AlbAverageLcus,
    decimal LogIngestGbPerMonth,
    decimal S3StoredGb,
    decimal ExportMinutesPerRun,
    decimal AlarmEmailsPerMonth,
    decimal ExportSizeGb,
    decimal AppMetricLogGbPerMetricMonth);

/// <summary>
/// The price list the estimator uses, kept as data (Data/prices-us-east-1.json) so it can be updated without
/// touching code. Only us-east-1 is listed; no multipliers are invented for other regions.
/// </summary>
public sealed record PriceTable(
    string Region,
    string Currency,
    string Source,
    string AsOf,
    string Note,
    int HoursPerMonth,
    IReadOnlyDictionary<string, decimal> Ec2InstanceHourly,
    IReadOnlyDictionary<string, decimal> RdsPostgresInstanceHourlySingleAz,
    PriceRates Rates,
    UsageAssumptions Assumptions,
    IReadOnlyDictionary<string, string> RateNotes)
{
    private const string ResourceSuffix = ".Data.prices-us-east-1.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>The embedded us-east-1 table.</summary>
    public static PriceTable UsEast1()
    {
        var assembly = typeof(PriceTable).Assembly;
        var name = assembly.GetManifestResourceNames().Single(resource => resource.EndsWith(ResourceSuffix, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded price table {name} is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Reads a price table; every field is required, so a renamed or missing price fails loudly.</summary>
    public static PriceTable Parse(string json) =>
        JsonSerializer.Deserialize<PriceTable>(json, Options)
        ?? throw new JsonException("the price table is empty (null)");
}
