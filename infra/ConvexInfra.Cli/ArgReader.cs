namespace ConvexInfra.Cli;

/// <summary>
/// A small reader for <c>--name value</c>, <c>--name=value</c> and <c>--flag</c> arguments. Each option
/// is taken once; <see cref="EnsureAllConsumed"/> then rejects anything the command did not ask for.
/// </summary>
public sealed class ArgReader
{
    private readonly List<string> remaining;

    public ArgReader(IEnumerable<string> args)
    {
        remaining = [];
        foreach (var arg in args)
        {
            var eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            if (eq > 2)
            {
                remaining.Add(arg[..eq]);
                remaining.Add(arg[(eq + 1)..]);
            }
            else
            {
                remaining.Add(arg);
            }
        }
    }

    public bool HelpRequested => remaining.Contains("--help") || remaining.Contains("-h");

    /// <summary>Takes <c>--name value</c>; null when absent.</summary>
    public string? Option(string name)
    {
        var index = remaining.IndexOf(name);
        if (index < 0)
        {
            return null;
        }

        if (index + 1 >= remaining.Count || (remaining[index + 1].StartsWith("--", StringComparison.Ordinal) && remaining[index + 1].Length > 2))
        {
            throw new UsageException($"{name} needs a value, e.g. {name} VALUE");
        }

        var value = remaining[index + 1];
        remaining.RemoveRange(index, 2);
        if (remaining.Contains(name))
        {
            throw new UsageException($"{name} was given more than once; give it once");
        }

        return value;
    }

    /// <summary>Takes <c>--name value</c>; a usage error naming the option when absent.</summary>
    public string Required(string name, string example) =>
        Option(name) ?? throw new UsageException($"{name} is required, e.g. {name} {example}");

    /// <summary>Takes a repeated <c>--name value</c> option, in order.</summary>
    public IReadOnlyList<string> Options(string name)
    {
        var values = new List<string>();
        while (remaining.Contains(name))
        {
            var index = remaining.IndexOf(name);
            if (index + 1 >= remaining.Count)
            {
                throw new UsageException($"{name} needs a value, e.g. {name} VALUE");
            }

            values.Add(remaining[index + 1]);
            remaining.RemoveRange(index, 2);
        }

        return values;
    }

    /// <summary>Takes a boolean <c>--flag</c>.</summary>
    public bool Flag(string name)
    {
        var found = remaining.Remove(name);
        if (found && remaining.Contains(name))
        {
            throw new UsageException($"{name} was given more than once; give it once");
        }

        return found;
    }

    /// <summary>Takes the next argument that is not an option, or null.</summary>
    public string? Positional()
    {
        var index = remaining.FindIndex(a => !a.StartsWith('-') || a == "-");
        if (index < 0)
        {
            return null;
        }

        var value = remaining[index];
        remaining.RemoveAt(index);
        return value;
    }

    public void EnsureAllConsumed()
    {
        remaining.Remove("--help");
        remaining.Remove("-h");
        if (remaining.Count > 0)
        {
            throw new UsageException($"unknown argument(s): {string.Join(' ', remaining)}; see --help");
        }
    }
}
