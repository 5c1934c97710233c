using System.Globalization;
using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Containers;

/// <summary>
/// Builds POSTGRES_URL the way the backend needs it: credentials percent-encoded, and no database name
/// or query string (the backend appends the database, INSTANCE_NAME with '-' → '_', and refuses a URL
/// that already has one).
/// </summary>
public static partial class PostgresUrl
{
    public static string Build(string user, string password, string host, int port)
    {
        // Checks the user and the password first (the password itself never goes into a message).
        var credentials = Credentials(user, password);
        if (string.IsNullOrEmpty(host) || !HostPattern().IsMatch(host))
        {
            throw new ArgumentException(
                $"Postgres host: got '{host}'; expected a bare DNS name or IPv4 address without scheme, port, path or query. " +
                "Example: mydb.abc123xyz.eu-west-1.rds.amazonaws.com",
                nameof(host));
        }

        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "Postgres port: expected 1-65535. Example: 5432");
        }

        return string.Create(CultureInfo.InvariantCulture, $"postgresql://{credentials}@{host}:{port}");
    }

    /// <summary>
    /// The <c>user:password</c> part of the URL, percent-encoded: what the ECS backend's entrypoint joins with the RDS
    /// address it waits for (<c>postgresql://CREDENTIALS@HOST:PORT</c>), so the secret needs no address.
    /// </summary>
    public static string Credentials(string user, string password)
    {
        if (string.IsNullOrEmpty(user))
        {
            throw new ArgumentException("Postgres user: got an empty value; expected the master user name. Example: convex", nameof(user));
        }

        if (string.IsNullOrEmpty(password))
        {
            throw new ArgumentException("Postgres password: got an empty value; expected the (secret) master password", nameof(password));
        }

        return $"{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}";
    }

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")]
    private static partial Regex HostPattern();
}
