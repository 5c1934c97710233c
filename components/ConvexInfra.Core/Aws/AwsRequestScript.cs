namespace ConvexInfra.Core.Aws;

/// <summary>
/// <c>aws-request.mjs</c>: signed S3 and SSM requests for containers that have Node but no AWS CLI (the export task's
/// node image, the backend image, the local exporter). The text travels in the environment variable
/// <see cref="Variable"/>, so no file has to exist in the image; <see cref="Install"/> writes it out before use.
/// </summary>
public static class AwsRequestScript
{
    /// <summary>The environment variable that carries <see cref="Text"/> into a container.</summary>
    public const string Variable = "CONVEX_INFRA_AWS_REQUEST";

    /// <summary>Where the container scripts write it.</summary>
    public const string DefaultPath = "/tmp/aws-request.mjs";

    /// <summary>Exit status when the object or parameter does not exist (other failures exit 1, usage errors 2).</summary>
    public const int NotFoundExitCode = 3;

    private const string ResourceName = "ConvexInfra.Core.Aws.aws-request.mjs";

    public static string Text { get; } = ReadEmbedded();

    /// <summary>The POSIX sh line that writes the script from <see cref="Variable"/> to <paramref name="path"/>.</summary>
    public static string Install(string path = DefaultPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path.Any(c => c is '"' or '$' or '`' or '\\' or '\''))
        {
            throw new ArgumentException($"path: '{path}' holds a shell quoting character; use a plain path such as {DefaultPath}", nameof(path));
        }

        return $"printf '%s' \"${{{Variable}}}\" > \"{path}\"";
    }

    private static string ReadEmbedded()
    {
        using var stream = typeof(AwsRequestScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
