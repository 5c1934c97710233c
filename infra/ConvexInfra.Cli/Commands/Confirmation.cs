namespace ConvexInfra.Cli.Commands;

/// <summary>The "type yes" question of restore and reset; a closed standard input is a no.</summary>
internal static class Confirmation
{
    public static async Task<bool> AskAsync(CliConsole console, string question)
    {
        await console.Error.WriteAsync($"{question} Type 'yes' to go on: ");
        var answer = (await console.In.ReadLineAsync())?.Trim();
        await console.Error.WriteLineAsync();
        return string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase) || string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase);
    }
}
