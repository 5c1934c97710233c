using System.Globalization;
using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Verify;

/// <summary>Durations as CI writes them: <c>90s</c>, <c>5m</c>, <c>1m30s</c>, <c>1h</c>, <c>500ms</c>, or bare seconds.</summary>
public static partial class DurationText
{
    public static TimeSpan Parse(string option, string text)
    {
        var trimmed = text.Trim();
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var match = Pattern().Match(trimmed);
        if (!match.Success || trimmed.Length == 0)
        {
            throw new FormatException($"{option}: '{text}' is not a duration; expected e.g. 90s, 5m, 1m30s or 500ms");
        }

        var total = TimeSpan.Zero;
        total += Part(match, "h", TimeSpan.FromHours);
        total += Part(match, "m", TimeSpan.FromMinutes);
        total += Part(match, "s", TimeSpan.FromSeconds);
        total += Part(match, "ms", TimeSpan.FromMilliseconds);
        return total;
    }

    /// <summary>
    /// A wait option as every command takes it (<c>--wait 5m</c>, <c>--wait 90s</c>, or bare seconds <c>--wait 120</c>):
    /// <paramref name="fallback"/> when not given; more than <paramref name="maximum"/> is refused.
    /// </summary>
    public static TimeSpan ParseWait(string option, string? text, TimeSpan fallback, TimeSpan maximum)
    {
        if (text is null)
        {
            return fallback;
        }

        var wait = Parse(option, text);
        return wait <= maximum
            ? wait
            : throw new FormatException($"{option}: '{text}' is longer than the {Describe(maximum)} this command waits at most; e.g. {option} 5m");
    }

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? $"{span.TotalHours}h"
        : span.TotalMinutes >= 1 && span.TotalMinutes % 1 == 0 ? $"{span.TotalMinutes}m"
        : $"{span.TotalSeconds}s";

    private static TimeSpan Part(Match match, string group, Func<double, TimeSpan> unit) =>
        match.Groups[group].Success ? unit(int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture)) : TimeSpan.Zero;

    [GeneratedRegex(@"^(?:(?<h>\d{1,4})h)?(?:(?<m>\d{1,5})m(?!s))?(?:(?<s>\d{1,6})s)?(?:(?<ms>\d{1,7})ms)?$")]
    private static partial Regex Pattern();
}
