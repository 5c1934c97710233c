namespace ConvexInfra.Core.DeploymentEnv;

/// <summary>One change as the backend's update endpoint takes it: a value to set, or null to unset.</summary>
public sealed record EnvChange(string Name, string? Value)
{
    public bool IsUnset => Value is null;

    /// <summary>Hides the value: changes end up in logs and test failure messages.</summary>
    public override string ToString() => IsUnset ? $"unset {Name}" : $"set {Name}";
}

/// <summary>What applying the desired variables would do; names only in every text form.</summary>
public sealed record EnvChangePlan(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Changed,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> KeptUnmanaged,
    IReadOnlyList<EnvChange> Changes)
{
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>One line per name (<c>+</c> add, <c>~</c> change, <c>-</c> unset, <c>=</c> unchanged, <c>?</c> kept), then a summary.</summary>
    public string Describe()
    {
        var lines = new List<string>();
        lines.AddRange(Added.Select(n => $"+ {n}"));
        lines.AddRange(Changed.Select(n => $"~ {n}"));
        lines.AddRange(Removed.Select(n => $"- {n}"));
        lines.AddRange(Unchanged.Select(n => $"= {n}"));
        lines.AddRange(KeptUnmanaged.Select(n => $"? {n} (not in config; kept, pruning is off)"));
        lines.Add($"{Added.Count} to add, {Changed.Count} to change, {Removed.Count} to unset, {Unchanged.Count} unchanged, {KeptUnmanaged.Count} kept.");
        return string.Join('\n', lines) + "\n";
    }
}

/// <summary>Desired against actual deployment variables: a pure function, so the CLI and the tests share it.</summary>
public static class EnvChangePlanner
{
    public static EnvChangePlan Plan(IReadOnlyDictionary<string, string> desired, IReadOnlyDictionary<string, string> actual, bool prune)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(actual);
        var problems = DeploymentEnvRules.Problems(desired);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(desired));
        }

        var added = new List<string>();
        var changed = new List<string>();
        var unchanged = new List<string>();
        var changes = new List<EnvChange>();
        foreach (var (name, value) in desired.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (!actual.TryGetValue(name, out var current))
            {
                added.Add(name);
                changes.Add(new EnvChange(name, value));
            }
            else if (!string.Equals(current, value, StringComparison.Ordinal))
            {
                changed.Add(name);
                changes.Add(new EnvChange(name, value));
            }
            else
            {
                unchanged.Add(name);
            }
        }

        var extra = actual.Keys.Where(name => !desired.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        var removed = prune ? extra : [];
        changes.AddRange(removed.Select(name => new EnvChange(name, null)));
        return new EnvChangePlan(added, changed, removed, unchanged, prune ? [] : extra, changes);
    }
}
