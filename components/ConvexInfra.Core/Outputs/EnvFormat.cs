namespace ConvexInfra.Core.Outputs;

/// <summary>The shapes <c>convex-infra env</c> can write the stack outputs in.</summary>
public enum EnvFormat
{
    /// <summary>CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY, read by <c>npx convex deploy</c>.</summary>
    ConvexCli,

    /// <summary>VITE_CONVEX_URL only: a frontend-facing file never gets the admin key.</summary>
    Vite,

    /// <summary>NEXT_PUBLIC_CONVEX_URL only: a frontend-facing file never gets the admin key.</summary>
    NextJs,

    /// <summary>Every variable, as a dotenv file.</summary>
    Dotenv,

    /// <summary>Every variable, as one JSON object.</summary>
    Json,

    /// <summary>Every variable appended to $GITHUB_ENV, the outputs to $GITHUB_OUTPUT, secrets masked.</summary>
    Github,
}

public static class EnvFormats
{
    private static readonly (string Name, EnvFormat Format)[] Names =
    [
        ("convex-cli", EnvFormat.ConvexCli),
        ("vite", EnvFormat.Vite),
        ("nextjs", EnvFormat.NextJs),
        ("dotenv", EnvFormat.Dotenv),
        ("json", EnvFormat.Json),
        ("github", EnvFormat.Github),
    ];

    public static IReadOnlyList<string> AllNames { get; } = Names.Select(n => n.Name).ToList();

    public static string Name(this EnvFormat format) => Names.First(n => n.Format == format).Name;

    /// <summary>Null when the text names no format; compare <see cref="AllNames"/> for the message.</summary>
    public static EnvFormat? TryParse(string text) =>
        Names.Where(n => string.Equals(n.Name, text.Trim(), StringComparison.OrdinalIgnoreCase))
            .Select(n => (EnvFormat?)n.Format)
            .FirstOrDefault();

    /// <summary>Formats whose file ends up in a browser bundle; they must never carry a secret.</summary>
    public static bool IsFrontendFacing(this EnvFormat format) => format is EnvFormat.Vite or EnvFormat.NextJs;

    /// <summary>Formats written as dotenv text (and so mergeable into an existing file by --write).</summary>
    public static bool IsDotenv(this EnvFormat format) =>
        format is EnvFormat.ConvexCli or EnvFormat.Vite or EnvFormat.NextJs or EnvFormat.Dotenv;
}
