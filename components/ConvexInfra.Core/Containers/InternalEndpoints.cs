namespace ConvexInfra.Core.Containers;

/// <summary>
/// One path of the backend that is for its operators, never for the internet, with where the pinned backend serves it.
/// <paramref name="PathPrefix"/> is what the proxies and the load balancer refuse (answering 404): every path that
/// starts with it, on every hostname.
/// </summary>
public sealed record InternalEndpoint(string PathPrefix, string What, string Source);

/// <summary>
/// The backend's internal endpoints at the pinned revision (get-convex/convex-backend 4d3b0a5de955a258e70e3813bbff486051d88820).
/// Read from <c>crates/local_backend/src/router.rs</c> (every route there is either public API, admin-key or token
/// authenticated, or a harmless health route) and from the meta routes every <c>ConvexHttpService</c> adds:
/// <list type="bullet">
/// <item><c>/version</c> (crates/common/src/http/mod.rs:665) stays reachable: load balancer, healthchecks and
/// <c>verify</c> use it, and it only names the build.</item>
/// <item><c>/api/actions/*</c> (router.rs:291-297, node action callbacks) checks an actions token first
/// (crates/local_backend/src/node_action_callbacks.rs:599, <c>check_actions_token</c>), so it stays.</item>
/// </list>
/// </summary>
public static class InternalEndpoints
{
    public static IReadOnlyList<InternalEndpoint> All { get; } =
    [
        new(
            "/metrics",
            "Prometheus metrics of the whole backend process, without authentication",
            "crates/common/src/http/mod.rs:666 (meta_routes: .route(\"/metrics\", get(metrics)), merged unless "
            + "set_meta_routes_enabled(false), which nothing calls, mod.rs:653/676); served on 3210 "
            + "(ConvexHttpService::new, crates/local_backend/src/main.rs:132) and on the 3211 site proxy "
            + "(crates/local_backend/src/proxy.rs:58)"),
    ];

    /// <summary>The path prefixes to refuse, in order.</summary>
    public static IReadOnlyList<string> PathPrefixes { get; } = All.Select(e => e.PathPrefix).ToList();
}
