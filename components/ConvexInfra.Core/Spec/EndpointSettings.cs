namespace ConvexInfra.Core.Spec;

/// <summary>
/// The three public origins. AWS stacks serve https on three hostnames (by default api., site. and
/// dashboard. under <c>domain</c>); local stacks serve http on 127.0.0.1 ports.
/// </summary>
internal static class EndpointSettings
{
    public const string LoopbackHost = "127.0.0.1";

    /// <summary>Null when the endpoints cannot be built (missing target or invalid names); errors are recorded.</summary>
    public static PublicEndpoints? Read(ReadContext context, (int Api, int Site, int Dashboard)? ports) =>
        context.Target switch
        {
            null => null,
            DeploymentTarget.Local => ports is var (api, site, dashboard)
                ? new PublicEndpoints(LoopbackHost, LoopbackHost, LoopbackHost, Http(api), Http(site), Http(dashboard))
                : null,
            _ => Aws(context.Values),
        };

    /// <summary>
    /// The loopback ports (defaults 3210, 3211, 6791); null when one is invalid or two collide. Checked on
    /// every target so that a stack switched to local later is already valid.
    /// </summary>
    public static (int Api, int Site, int Dashboard)? LocalPorts(SettingValues values)
    {
        var keys = new[] { SettingKeys.LocalApiPort, SettingKeys.LocalSitePort, SettingKeys.LocalDashboardPort };
        var defaults = new[] { TierDefaults.LocalApiPort, TierDefaults.LocalSitePort, TierDefaults.LocalDashboardPort };
        var ports = new int?[3];
        for (var i = 0; i < keys.Length; i++)
        {
            ports[i] = values.Has(keys[i]) ? values.Int(keys[i], 1024, 65535) : defaults[i];
        }

        if (ports.Any(port => port is null))
        {
            return null;
        }

        var valid = true;
        for (var i = 1; i < keys.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (ports[i] == ports[j])
                {
                    values.Fail(keys[i], $"'{ports[i]}'", $"a port different from {keys[j].FullName}, which is also {ports[j]}: the API, HTTP actions and the dashboard each need their own port");
                    valid = false;
                }
            }
        }

        return valid ? (ports[0]!.Value, ports[1]!.Value, ports[2]!.Value) : null;
    }

    private static PublicEndpoints? Aws(SettingValues values)
    {
        var domain = values.Text(SettingKeys.Domain, ValueRules.DnsName);
        var hostKeys = new[] { SettingKeys.ApiHostname, SettingKeys.SiteHostname, SettingKeys.DashboardHostname };
        var prefixes = new[] { "api", "site", "dashboard" };
        if (!values.Has(SettingKeys.Domain) && !hostKeys.All(values.Has))
        {
            values.FailMissing(SettingKeys.Domain, "a DNS name for the three hostnames (required for AWS targets unless apiHostname, siteHostname and dashboardHostname are all set)");
        }

        var hosts = new string?[3];
        for (var i = 0; i < hostKeys.Length; i++)
        {
            hosts[i] = values.Has(hostKeys[i])
                ? values.Text(hostKeys[i], ValueRules.DnsName)
                : domain is null ? null : $"{prefixes[i]}.{domain}";
        }

        if (hosts.Any(host => host is null))
        {
            return null;
        }

        var distinct = true;
        for (var i = 1; i < hosts.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (hosts[i] == hosts[j])
                {
                    values.Fail(hostKeys[i], $"'{hosts[i]}'", $"a hostname different from {hostKeys[j].FullName}, which is also '{hosts[j]}': the API, HTTP actions and the dashboard each need their own origin");
                    distinct = false;
                }
            }
        }

        return distinct
            ? new PublicEndpoints(hosts[0]!, hosts[1]!, hosts[2]!, Https(hosts[0]!), Https(hosts[1]!), Https(hosts[2]!))
            : null;
    }

    private static Uri Http(int port) => new($"http://{LoopbackHost}:{port}");

    private static Uri Https(string host) => new($"https://{host}");
}
