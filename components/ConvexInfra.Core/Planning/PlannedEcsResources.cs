using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Spec;
using T = ConvexInfra.Core.Planning.ResourceTypes;

namespace ConvexInfra.Core.Planning;

/// <summary>The ECS target's service and load balancer, counted from <see cref="AlbRoutingPlan"/> and the spec.</summary>
internal static class PlannedEcsResources
{
    public static IEnumerable<PlannedResource> For(DeploymentSpec spec)
    {
        var compute = spec.Compute;
        const string e = "ecs";
        var privateTasks = compute.EcsSubnets == EcsSubnetPlacement.PrivateWithNat;

        // An existing VPC routes its private subnets itself: no NAT gateway of ours.
        if (privateTasks && spec.Network.Existing is null)
        {
            yield return new(e, T.NatGateway, 1, "one NAT gateway in the first public subnet (egress of the private tasks)");
            yield return new(e, T.Eip, 1, "the NAT gateway's address");
            yield return new(e, T.Route, 1, "private subnets → NAT gateway");
        }

        yield return new(e, T.EcsCluster, 1, $"cluster, Container Insights {(spec.Tier == Tier.Prod ? "on" : "off")}");
        yield return new(e, T.TaskDefinition, 2, $"Fargate ARM64, {compute.FargateCpu} CPU units, {compute.FargateMemoryMb} MiB, {compute.FargateEphemeralStorageGb} GB ephemeral; " +
            $"containers {EcsContainers.Backend} at {spec.ImageRevision[..12]}…, {EcsContainers.Proxy} (Caddy: the site hostname through 3210/http) and the metrics sidecars " +
            $"({EcsMetricsContainers.Relay}, {EcsMetricsContainers.ConfigWriter}, {EcsMetricsContainers.Agent}) (aws/ecs/ecs-task.containers.json); " +
            $"the dashboard's own task, {EcsDeploymentSettings.DashboardCpu} CPU units, {EcsDeploymentSettings.DashboardMemoryMb} MiB, no task role (aws/ecs/ecs-dashboard-task.containers.json)");
        yield return new(e, T.EcsService, 2, $"backend: exactly {EcsDeploymentSettings.DesiredCount} task, old task stopped before the new one starts; " +
            $"dashboard: 1 task, rolling; {(privateTasks ? "private subnets (egress through a NAT gateway)" : "public subnets with a public IP")}");
        yield return new(e, T.Parameter, 1, "db-host: the RDS address (plain String, written once RDS exists); the backend's entrypoint waits for it, so the task starts while RDS is created");
        yield return new(e, T.Command, 1, $"once the backend service is steady: aws ecs update-service sets its grace period from {EcsDeploymentSettings.FirstDeployHealthCheckGracePeriodSeconds} s (covers RDS creation) back to {EcsDeploymentSettings.HealthCheckGracePeriodSeconds} s");
        yield return new(e, T.SecurityGroup, 1, "the dashboard task's group: the load balancer in on 6791, HTTPS out (image pulls); no database, no backend");
        yield return new(e, T.EgressRule, 1, "dashboard task → 443 (image pulls)");
        yield return new(e, T.LogGroup, 2, $"{EcsContainers.LogGroupName(spec)}; {Ops.AppMetrics.LogGroup(spec)}: the agent sidecar's metric events " +
            $"({Ops.AppMetrics.For(spec).Count} backend metrics to {Ops.AppMetrics.Namespace(spec)}); {spec.Monitoring.LogRetentionDays} days");
        yield return new(e, T.Role, 3, "execution role (SSM secrets, logs), task role (buckets, the db-host parameter, metric events) and the dashboard's execution role (its log streams only)");
        yield return new(e, T.RolePolicy, 4, "aws/iam/roles/ecs-execution.json, aws/iam/roles/ecs-task.json, aws/iam/roles/ecs-dashboard-execution.json, aws/iam/roles/ecs-metrics.json");

        var plan = AlbRoutingPlan.For(spec);
        var ports = plan.Targets.SelectMany(t => new[] { t.ContainerPort, t.HealthCheckPort }).Distinct().Count();
        var blocked = string.Join(", ", plan.BlockRules.SelectMany(b => b.PathPatterns));
        var sources = spec.Network.HttpAllowedCidrs.Count > 0 ? spec.Network.HttpAllowedCidrs.Count : 1;
        var hostnames = plan.Rules.Select(r => r.Hostname).Distinct(StringComparer.Ordinal).Count();
        const string lb = "load-balancer";
        yield return new(lb, T.LoadBalancer, 1, $"internet-facing ALB, idle timeout {EcsDeploymentSettings.LoadBalancerIdleTimeoutSeconds(spec)} s, invalid headers dropped" +
            (spec.Protection.DeletionProtection ? ", deletion protection" : string.Empty));
        yield return new(lb, T.Listener, 2, "HTTPS (TLS 1.3/1.2 policy, default 404) and HTTP → HTTPS redirect");
        yield return new(lb, T.ListenerRule, plan.Rules.Count + plan.BlockRules.Count, $"{blocked} → 404 on every host; " +
            string.Join(", ", plan.Rules.Select(r => $"{r.Hostname} → {r.TargetName}" +
            (r.SourceCidrs.Count > 0 ? $" (from {string.Join(", ", r.SourceCidrs)})" : string.Empty))));
        yield return new(lb, T.TargetGroup, plan.Targets.Count, string.Join(", ", plan.Targets.Select(t => $"{t.Name} → {t.ContainerName}:{t.ContainerPort}")));
        yield return new(lb, T.SecurityGroup, 1, "load balancer group");
        yield return new(lb, T.IngressRule, (sources * 2) + ports, $"80/443 from {(spec.Network.HttpAllowedCidrs.Count > 0 ? string.Join(", ", spec.Network.HttpAllowedCidrs) : "the world")}; tasks admit the ALB on {ports} ports");
        yield return new(lb, T.EgressRule, ports, "ALB → tasks on the container and health-check ports only");
        yield return new(lb, T.Certificate, 1, "ACM certificate for the three hostnames");
        yield return new(lb, T.CertificateValidation, 1, "waits for DNS validation");
        yield return new(lb, T.Record, hostnames + 3, $"{hostnames} alias records to the ALB and 3 validation records in zone {spec.Dns?.HostedZoneId}");
    }
}
