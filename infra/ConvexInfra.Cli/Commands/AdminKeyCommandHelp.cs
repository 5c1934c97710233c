namespace ConvexInfra.Cli.Commands;

/// <summary>The help pages of <c>admin-key</c>, kept apart from the logic so both stay readable.</summary>
internal static class AdminKeyCommandHelp
{
    private const string SecretOptions = """
        The instance secret (exactly one; prefer the first two, since a command line ends up in shell history
        and in the process list):
          --instance-secret-env VAR   read the secret from environment variable VAR
          --instance-secret-stdin     read the secret from the first line of standard input
          --instance-secret HEX       give the secret itself (works, but not recommended)
        It is the backend's INSTANCE_SECRET: 64 hex characters (32 bytes).
        """;

    public static string Overview => $"""
        Makes and checks admin keys for a self-hosted Convex backend, offline: no running backend needed.
        An admin key lets the Convex CLI (CONVEX_SELF_HOSTED_ADMIN_KEY), the dashboard and HTTP clients
        ("Authorization: Convex <key>") act as an admin. It is computed from the instance name and the
        instance secret alone, never expires, and every key ever issued stays valid until the instance
        secret is rotated.

        Subcommands: generate prints a new admin key; verify says whether the backend would accept a key, and
        if not, why. Run 'convex-infra admin-key SUBCOMMAND --help' for a subcommand's options.

        {SecretOptions}

        Examples:
          export INSTANCE_SECRET=$(openssl rand -hex 32)
          convex-infra admin-key generate --instance-name convex-self-hosted --instance-secret-env INSTANCE_SECRET
          convex-infra admin-key verify --instance-name convex-self-hosted --instance-secret-env INSTANCE_SECRET --key-env CONVEX_SELF_HOSTED_ADMIN_KEY

        """;

    public static string Generate => $"""
        Synopsis: convex-infra admin-key generate --instance-name NAME <secret option> [options]

        Prints a new admin key, in the format the backend issues today ('NAME|01…'), on standard output.
        Each run gives a different key (random nonce, current time); all of them are valid.

        {SecretOptions}

        Exit codes: 0 key printed, 2 bad usage.

        Example:
          convex-infra admin-key generate --instance-name convex-self-hosted --instance-secret-env INSTANCE_SECRET

        """;

    public static string Verify => $"""
        Synopsis: convex-infra admin-key verify --instance-name NAME <secret option> (--key KEY | --key-env VAR) [--json]

        Checks a key the way the backend does and prints what it is (format, member or system, read-only,
        issue time). Accepts keys in the current format and in the legacy format that older backends issued.

        {SecretOptions}

        Exit codes: 0 the backend would accept the key, 1 it would not (the reason is printed), 2 bad usage.

        Example:
          convex-infra admin-key verify --instance-name convex-self-hosted --instance-secret-env INSTANCE_SECRET --key-env CONVEX_SELF_HOSTED_ADMIN_KEY

        """;
}
