namespace ConvexInfra.Core.Local;

/// <summary>Third-party images of the local target, pinned so every machine runs the same bits.</summary>
public static class LocalImages
{
    /// <summary>
    /// PostgreSQL 17 (the major version Convex is tested with), pinned by exact tag and by the digest of the
    /// multi-arch index so amd64 and arm64 machines both resolve it. Bump tag and digest together.
    /// </summary>
    public const string Postgres = "postgres:17.6@sha256:00bc86618629af00d2937fdc5a5d63db3ff8450acf52f0636ec813c7f4902929";

    /// <summary>Where the official image keeps its data directory (version 17 and earlier).</summary>
    public const string PostgresDataPath = "/var/lib/postgresql/data";

    /// <summary>The backend image declares this as its VOLUME; SQLite, local file storage and credentials live here.</summary>
    public const string BackendDataPath = "/convex/data";
}
