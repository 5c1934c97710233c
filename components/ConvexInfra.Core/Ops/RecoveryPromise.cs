using System.Globalization;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>
/// What each tier promises when restoring from its newest export, and what <c>convex-infra restore --drill</c> holds a
/// drill to: the newest export is at most <see cref="ExportRpo"/> old (the default export schedule's interval plus
/// <see cref="ScheduleGrace"/> for the schedule's flexible window and the export's own run), and the restore (download,
/// start of the target, import, deployment variables) takes at most <see cref="Rto"/>. docs/dr.md renders this table.
/// </summary>
public sealed record RecoveryPromise(Tier Tier, TimeSpan ExportRpo, TimeSpan Rto)
{
    /// <summary>Room for the scheduler's 15-minute flexible window and the export task's own run.</summary>
    public static TimeSpan ScheduleGrace { get; } = TimeSpan.FromHours(1);

    public static RecoveryPromise For(Tier tier)
    {
        // The default schedules of BackupPlan: weekly on dev, daily elsewhere.
        var interval = tier == Tier.Dev ? TimeSpan.FromDays(7) : TimeSpan.FromDays(1);
        var rto = tier switch
        {
            Tier.Prod => TimeSpan.FromHours(2),
            Tier.Staging => TimeSpan.FromHours(4),
            _ => TimeSpan.FromHours(8),
        };
        return new RecoveryPromise(tier, interval + ScheduleGrace, rto);
    }

    /// <summary>The tier named by a stack output (<c>dev</c>, <c>staging</c>, <c>prod</c>), or null for anything else.</summary>
    public static Tier? ParseTier(string? text) => text switch
    {
        "dev" => Tier.Dev,
        "staging" => Tier.Staging,
        "prod" => Tier.Prod,
        _ => null,
    };

    /// <summary>A duration as the docs and the drill print it: "25 h", "7 d 1 h", "2 h", "14 min", "38 s".</summary>
    public static string Text(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            return "-" + Text(-span);
        }

        if (span >= TimeSpan.FromDays(2))
        {
            var hours = span.Hours;
            return hours == 0 ? $"{span.Days} d" : $"{span.Days} d {hours} h";
        }

        return span >= TimeSpan.FromHours(1)
            ? $"{Math.Floor(span.TotalHours).ToString(CultureInfo.InvariantCulture)} h{(span.Minutes > 0 ? $" {span.Minutes} min" : string.Empty)}"
            : span >= TimeSpan.FromMinutes(1)
            ? $"{span.Minutes} min{(span.Seconds > 0 ? $" {span.Seconds} s" : string.Empty)}"
            : $"{Math.Round(span.TotalSeconds, 1).ToString("0.#", CultureInfo.InvariantCulture)} s";
    }
}
