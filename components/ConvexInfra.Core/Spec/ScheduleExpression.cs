using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Spec;

/// <summary>EventBridge schedule expressions: <c>rate(value unit)</c> or six-field <c>cron(...)</c>.</summary>
public static partial class ScheduleExpression
{
    public const string Expected =
        "an EventBridge schedule: rate(1 day), rate(12 hours) or cron(minutes hours day-of-month month day-of-week year) with '?' in one of the day fields";

    /// <summary>Null when <paramref name="expression"/> is a valid schedule, else what was expected.</summary>
    public static string? Problem(string expression)
    {
        var rate = RatePattern().Match(expression);
        if (rate.Success)
        {
            var singular = rate.Groups["value"].Value == "1";
            var unitIsSingular = !rate.Groups["unit"].Value.EndsWith('s');
            return singular == unitIsSingular ? null : $"{Expected} (use a singular unit for 1, plural otherwise)";
        }

        var cron = CronPattern().Match(expression);
        if (!cron.Success)
        {
            return Expected;
        }

        var fields = cron.Groups["fields"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            return $"{Expected} (cron needs 6 fields, got {fields.Length})";
        }

        return (fields[2] == "?") != (fields[4] == "?") ? null : $"{Expected} (exactly one of day-of-month and day-of-week must be '?')";
    }

    [GeneratedRegex(@"^rate\((?<value>[1-9][0-9]*) (?<unit>minute|minutes|hour|hours|day|days)\)$")]
    private static partial Regex RatePattern();

    [GeneratedRegex(@"^cron\((?<fields>[0-9A-Za-z*?,/\-#L W]+)\)$")]
    private static partial Regex CronPattern();
}
