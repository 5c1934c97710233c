using System.Globalization;
using System.Text;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ecs;

/// <summary>
/// The Caddyfile of the ECS task's <c>proxy</c> container. The site hostname reaches it (plain HTTP from the ALB) and it
/// forwards every request to <c>127.0.0.1:3210</c> with <c>/http</c> put before the path, exactly what the backend's 3211
/// site proxy does (<c>crates/local_backend/src/proxy.rs</c>: <c>format!("{}{}", site_forward_prefix, request.uri())</c>
/// with <c>site_forward_prefix = http://127.0.0.1:3210/http</c>, headers untouched), without that proxy's limit of 4
/// requests in flight, with the EC2 Caddyfile's proxy timeout (<see cref="Caddyfile.ProxyTimeoutSeconds(DeploymentSpec)"/>). A second listener answers the ALB's health check with the backend's
/// <c>/version</c>, so the check covers Caddy and the backend. The backend's internal endpoints answer 404 here as on
/// every other hostname (<see cref="Containers.InternalEndpoints"/>).
/// </summary>
public static class SiteProxyCaddyfile
{
    public static string Render(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Managed by convex-infra (stack {spec.StackName}): HTTP actions of {spec.Endpoints.SiteHostname}.\n");
        text.Append("{\n\tadmin off\n\tauto_https off\n");
        text.Append("}\n\n");
        text.Append(CultureInfo.InvariantCulture, $":{EcsContainers.SiteProxyPort} {{\n");
        text.Append(Caddyfile.InternalEndpointsNotFound);
        text.Append(Caddyfile.RedactedLog);
        text.Append(Caddyfile.RequestBodyLimit);
        text.Append("\trewrite * /http{uri}\n");
        text.Append(Caddyfile.ProxyTo($"127.0.0.1:{EcsContainers.ApiPort}", spec));
        text.Append("}\n\n");
        text.Append(CultureInfo.InvariantCulture, $":{EcsContainers.ProxyHealthPort} {{\n");
        text.Append("\trewrite * /version\n");
        text.Append(CultureInfo.InvariantCulture, $"\treverse_proxy 127.0.0.1:{EcsContainers.ApiPort}\n}}\n");
        return text.ToString();
    }
}
