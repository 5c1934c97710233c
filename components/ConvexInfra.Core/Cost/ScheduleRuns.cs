using System.Globalization;

namespace ConvexInfra.Core.Cost;

/// <summary>
/// How often an EventBridge schedule fires in a month, for cost estimates: <c>rate(n unit)</c> exactly, and
/// <c>cron(minutes hours day-of-month month day-of-week year)</c> by counting the listed minutes, hours and days
/// (<c>*</c> counts every value, ranges and lists are expanded, step and special forms count as one).
/// </summary>
public static class ScheduleRuns
{
    public static decimal PerMonth(string expression, int hoursPerMonth)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var days = hoursPerMonth / 24m;
        if (expression.StartsWith("rate(", StringComparison.Ordinal))
        {
            var parts = expression[5..^1].Split(' ');
            var value = decimal.Parse(parts[0], CultureInfo.InvariantCulture);
            var unitHours = parts[1].TrimEnd('s') switch
            {
                "minute" => 1m / 60m,
                "hour" => 1m,
                "day" => 24m,
                _ => throw new ArgumentException($"schedule: unknown rate unit in '{expression}'", nameof(expression)),
            };
            return Math.Round(hoursPerMonth / (value * unitHours), 2);
        }

        if (!expression.StartsWith("cron(", StringComparison.Ordinal))
        {
            throw new ArgumentException($"schedule: got '{expression}'; expected rate(...) or cron(...)", nameof(expression));
        }

        var fields = expression[5..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var perDay = Count(fields[0], 60) * Count(fields[1], 24);
        var daysPerMonth = fields[2] == "?"
            ? days * Count(fields[4], 7) / 7m
            : fields[2] == "*" ? days : Count(fields[2], 31);
        return Math.Round(perDay * daysPerMonth, 2);
    }

    private static decimal Count(string field, int all)
    {
        if (field is "*" or "?")
        {
            return all;
        }

        decimal count = 0;
        foreach (var part in field.Split(','))
        {
            var range = part.Split('-');
            count += range.Length == 2 && DayOrNumber(range[0]) is { } from && DayOrNumber(range[1]) is { } to && to >= from ? to - from + 1 : 1;
        }

        return count;
    }

    private static int? DayOrNumber(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : Array.IndexOf(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], text.ToUpperInvariant()) is var i and >= 0 ? i + 1 : null;
}
