using System.Globalization;
using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Spec;

/// <summary>
/// How releases roll out and how long each step may take: how long <c>pulumi up</c> waits for the EC2 host's
/// report, how long a new backend has to answer <c>/version</c> before the host rolls back, how long the
/// pre-upgrade export may run, and when the EC2 host installs security updates.
/// </summary>
public sealed record RolloutSpec(int HostReportTimeoutMinutes, int BackendHealthTimeoutMinutes, int ExportTimeoutMinutes, PatchWindow PatchWindow)
{
    public const int DefaultHostReportTimeoutMinutes = 15;
    public const int DefaultBackendHealthTimeoutMinutes = 10;
    public const int DefaultExportTimeoutMinutes = 60;

    public static RolloutSpec Default { get; } = new(
        DefaultHostReportTimeoutMinutes, DefaultBackendHealthTimeoutMinutes, DefaultExportTimeoutMinutes, PatchWindow.Daily(4, 0));

    public int BackendHealthTimeoutSeconds => BackendHealthTimeoutMinutes * 60;
}

/// <summary>
/// A weekly or daily maintenance window in UTC, written <c>Sun 03:00</c> or <c>daily 04:30</c>. The EC2 host's
/// security updates start there (a systemd <c>OnCalendar</c> expression) and may take up to an hour.
/// </summary>
public sealed partial record PatchWindow(string? Day, int Hour, int Minute)
{
    public const string Expected = "a UTC maintenance window: a day (Mon..Sun) or 'daily', then HH:MM. Example: Sun 03:00";

    private static readonly string[] Days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public static PatchWindow Daily(int hour, int minute) => new(null, hour, minute);

    /// <summary>The config spelling, e.g. <c>Sun 03:00</c>.</summary>
    public string Text => string.Create(CultureInfo.InvariantCulture, $"{Day ?? "daily"} {Hour:00}:{Minute:00}");

    /// <summary>The systemd calendar expression, e.g. <c>Sun *-*-* 03:00:00 UTC</c>.</summary>
    public string OnCalendar => string.Create(CultureInfo.InvariantCulture, $"{(Day is null ? string.Empty : Day + " ")}*-*-* {Hour:00}:{Minute:00}:00 UTC");

    public static PatchWindow? TryParse(string text)
    {
        var match = Pattern().Match(text?.Trim() ?? string.Empty);
        if (!match.Success)
        {
            return null;
        }

        var day = match.Groups["day"].Value;
        var canonical = Days.FirstOrDefault(d => string.Equals(d, day, StringComparison.OrdinalIgnoreCase));
        if (canonical is null && !string.Equals(day, "daily", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var hour = int.Parse(match.Groups["hour"].Value, CultureInfo.InvariantCulture);
        var minute = int.Parse(match.Groups["minute"].Value, CultureInfo.InvariantCulture);
        return hour > 23 || minute > 59 ? null : new PatchWindow(canonical, hour, minute);
    }

    /// <summary>Null when <paramref name="text"/> is a window, else what was expected (the settings reader's rule).</summary>
    public static string? Problem(string text) => TryParse(text) is null ? Expected : null;

    [GeneratedRegex("^(?<day>[A-Za-z]+) (?<hour>[0-9]{2}):(?<minute>[0-9]{2})$")]
    private static partial Regex Pattern();
}
