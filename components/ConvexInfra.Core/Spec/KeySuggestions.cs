namespace ConvexInfra.Core.Spec;

/// <summary>"Did you mean" for misspelt keys: the known key with the smallest edit distance, if it is close enough.</summary>
public static class KeySuggestions
{
    public static SettingKey? Closest(string fullName, IReadOnlyList<SettingKey> known)
    {
        var name = fullName.Contains(':', StringComparison.Ordinal) ? fullName[(fullName.IndexOf(':', StringComparison.Ordinal) + 1)..] : fullName;
        var best = known
            .Select(key => (Key: key, Distance: Distance(name.ToLowerInvariant(), key.Name.ToLowerInvariant())))
            .OrderBy(candidate => candidate.Distance)
            .ThenBy(candidate => candidate.Key.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        var threshold = Math.Max(2, name.Length / 3);
        return best.Key is not null && best.Distance <= threshold ? best.Key : null;
    }

    /// <summary>Levenshtein distance (insert, delete, substitute each cost 1).</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
