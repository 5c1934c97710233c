using System.Globalization;
using System.Text.Json;

namespace ConvexInfra.Core.Backup;

/// <summary>
/// The stack's RDS instance as <c>aws rds describe-db-instances --db-instance-identifier ID</c> describes it: the
/// replicated automated backups it feeds (ARNs, one per destination region) and when it was created.
/// </summary>
public sealed record RdsInstanceState(string Identifier, string? Address, DateTimeOffset? CreatedAt, IReadOnlyList<string> ReplicationArns)
{
    /// <summary>Reads the one instance of a <c>{"DBInstances": [...]}</c> answer.</summary>
    public static RdsInstanceState Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("DBInstances", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() != 1)
        {
            throw new FormatException("aws rds describe-db-instances: expected exactly one instance in 'DBInstances'");
        }

        var instance = list[0];
        var replications = instance.TryGetProperty("DBInstanceAutomatedBackupsReplications", out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Select(r => Text(r, "DBInstanceAutomatedBackupsArn")).OfType<string>().ToList()
            : [];
        var address = instance.TryGetProperty("Endpoint", out var endpoint) && endpoint.ValueKind == JsonValueKind.Object ? Text(endpoint, "Address") : null;
        return new RdsInstanceState(
            Text(instance, "DBInstanceIdentifier") ?? throw new FormatException("aws rds describe-db-instances: the instance has no 'DBInstanceIdentifier'"),
            address,
            Time(Text(instance, "InstanceCreateTime")),
            replications);
    }

    internal static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}

/// <summary>
/// One replicated automated backup as <c>aws rds describe-db-instance-automated-backups --region COPY
/// --db-instance-automated-backups-arn ARN</c> describes it in the copy region.
/// </summary>
public sealed record AutomatedBackupState(string Arn, string? Region, string? Status, string? KmsKeyId, int? RetentionDays)
{
    /// <summary>The backup with <paramref name="arn"/> in a <c>{"DBInstanceAutomatedBackups": [...]}</c> answer, or null.</summary>
    public static AutomatedBackupState? Parse(string json, string arn)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("DBInstanceAutomatedBackups", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("aws rds describe-db-instance-automated-backups: expected a 'DBInstanceAutomatedBackups' list");
        }

        // Terraform compares the ARN too (eventual consistency: the answer may not be the backup asked for yet).
        return list.EnumerateArray()
            .Where(b => RdsInstanceState.Text(b, "DBInstanceAutomatedBackupsArn") == arn)
            .Select(b => new AutomatedBackupState(
                arn,
                RdsInstanceState.Text(b, "Region"),
                RdsInstanceState.Text(b, "Status"),
                RdsInstanceState.Text(b, "KmsKeyId"),
                b.TryGetProperty("BackupRetentionPeriod", out var days) && days.ValueKind == JsonValueKind.Number ? days.GetInt32() : null))
            .FirstOrDefault();
    }
}

/// <summary>Pieces of AWS names the check needs.</summary>
public static class RdsNames
{
    /// <summary>
    /// The DB instance identifier of an RDS endpoint address: its first DNS label
    /// (<c>IDENTIFIER.RANDOM.REGION.rds.amazonaws.com</c>; identifiers hold no dot). The drill then asks RDS for that
    /// instance and compares the endpoint it answers with the address, so a wrong guess is a clear problem, never a
    /// silent pass.
    /// </summary>
    public static string? IdentifierOf(string? endpointAddress)
    {
        if (string.IsNullOrWhiteSpace(endpointAddress) || !endpointAddress.Contains(".rds.", StringComparison.Ordinal))
        {
            return null;
        }

        var label = endpointAddress.Split('.')[0];
        return label.Length > 0 && label.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') ? label : null;
    }

    /// <summary>The region field of an ARN (<c>arn:PARTITION:SERVICE:REGION:ACCOUNT:…</c>), or null when it is not an ARN.</summary>
    public static string? RegionOf(string? arn)
    {
        var parts = arn?.Split(':');
        return parts is { Length: >= 6 } && parts[0] == "arn" && parts[3].Length > 0 ? parts[3] : null;
    }
}
