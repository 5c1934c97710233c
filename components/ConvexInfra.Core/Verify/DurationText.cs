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

    private static TimeSpan Part(Match match, string group, Func<double, TimeSpan> unit) =>
        match.Groups[group].Success ? unit(int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture)) : TimeSpan.Zero;

    [GeneratedRegex(@"^(?:(?<h>\d{1,4})h)?(?:(?<m>\d{1,5})m(?!s))?(?:(?<s>\d{1,6})s)?(?:(?<ms>\d{1,7})ms)?$")]
    private static partial Regex Pattern();
}
