namespace ConvexInfra.Core.Spec;

/// <summary>A parsed stack file: the config when the YAML could be read, else the problems with line and column.</summary>
public sealed record StackFileResult(StackConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Config is not null && Errors.Count == 0;
}

/// <summary>Thrown by <see cref="StackFile.Parse"/> and <see cref="StackFile.Load"/> when the file is not a readable stack file.</summary>
public sealed class StackFileException : Exception
{
    public StackFileException()
        : this([])
    {
    }

    public StackFileException(string message)
        : base(message)
    {
        Errors = [];
    }

    public StackFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public StackFileException(IReadOnlyList<ConfigError> errors)
        : base("The stack file cannot be read:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<ConfigError> Errors { get; }
}
