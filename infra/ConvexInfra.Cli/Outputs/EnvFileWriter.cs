namespace ConvexInfra.Cli.Outputs;

/// <summary>
/// Replaces a file's content in one step (temp file + rename). A file holding a secret is created with
/// mode 600 from the start, so the secret is never readable by others, not even briefly.
/// </summary>
public static class EnvFileWriter
{
    public static async Task WriteAsync(string path, string content, bool holdsSecret, CancellationToken cancellationToken)
    {
        // Write through a symlink (e.g. .env.local -> ../shared/.env) instead of replacing the link.
        if (new FileInfo(path).LinkTarget is not null)
        {
            path = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)!.FullName;
        }

        var directory = Path.GetDirectoryName(path) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new InputException($"--write: directory '{directory}' does not exist; create it first or choose another path");
        }

        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = holdsSecret
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : File.Exists(path) ? File.GetUnixFileMode(path) : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        try
        {
            await using (var stream = new FileStream(temp, options))
            await using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                await writer.WriteAsync(content.AsMemory(), cancellationToken);
            }

            if (!OperatingSystem.IsWindows())
            {
                // UnixCreateMode is filtered by the umask; set the intended mode explicitly.
                File.SetUnixFileMode(temp, options.UnixCreateMode!.Value);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
