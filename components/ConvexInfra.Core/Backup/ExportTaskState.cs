namespace ConvexInfra.Core.Backup;

/// <summary>
/// What one <c>aws ecs describe-tasks</c> poll (<see cref="AwsCliCalls.DescribeTaskState"/>) says of the export task:
/// the AWS CLI prints the three queried fields tab-separated, with <c>None</c> for a field not set yet.
/// </summary>
public sealed record ExportTaskState(string LastStatus, string? StopReason, string? ExitCode)
{
    public bool Stopped => LastStatus == "STOPPED";

    public bool Succeeded => Stopped && ExitCode == "0";

    public static ExportTaskState Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = text.Trim().Split('\t');
        if (fields.Length != 3 || fields[0].Length == 0 || fields[0] == "None")
        {
            throw new FormatException($"aws ecs describe-tasks answered '{text.Trim()}', not 'STATUS<tab>STOP REASON<tab>EXIT CODE' (is the task ARN right?)");
        }

        static string? Field(string value) => value is "" or "None" ? null : value;
        return new ExportTaskState(fields[0], Field(fields[1]), Field(fields[2]));
    }
}
