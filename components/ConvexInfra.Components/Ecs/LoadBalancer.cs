using System.Collections.Immutable;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Spec;
using ConvexInfra.Components.Aws;
using Pulumi;
using Acm = Pulumi.Aws.Acm;
using Ec2 = Pulumi.Aws.Ec2;
using LB = Pulumi.Aws.LB;
using Route53 = Pulumi.Aws.Route53;
using Vpc = Pulumi.Aws.Vpc;

namespace ConvexInfra.Components.Ecs;

public sealed class LoadBalancerArgs
{
    public required DeploymentSpec Spec { get; init; }
    public required Input<string> VpcId { get; init; }
    public required Output<ImmutableArray<string>> PublicSubnetIds { get; init; }

    /// <summary>The Convex task's security group: the load balancer may reach it on its target ports only.</summary>
    public required Input<string> TaskSecurityGroupId { get; init; }

    /// <summary>The dashboard task's security group: the load balancer may reach it on 6791 only.</summary>
    public required Input<string> DashboardSecurityGroupId { get; init; }

    /// <summary>The Route 53 zone when it is an input of its own (an output of another resource); else the spec's.</summary>
    public Input<string>? HostedZoneId { get; init; }
}

/// <summary>
/// Internet-facing application load balancer in the public subnets: an ACM certificate for the three hostnames
/// validated through Route 53, HTTPS on 443 with a TLS 1.3 policy, port 80 only redirecting to HTTPS, a 404 for the
/// backend's internal endpoints on every host, host rules to one target group per container port
/// (<see cref="AlbRoutingPlan"/>), and alias records for the hostnames.
/// </summary>
public sealed class LoadBalancer : ComponentResource
{
    public Output<string> DnsName { get; }
    public IReadOnlyDictionary<string, Output<string>> TargetGroupArns { get; }

    /// <summary>The CloudWatch dimension values of the load balancer and of the API target group (AWS/ApplicationELB).</summary>
    public Output<string> ArnSuffix { get; }

    public Output<string> ApiTargetGroupArnSuffix { get; }

    /// <summary>The HTTPS listener (its default action is a fixed 404; the rules do the routing).</summary>
    public Resource HttpsListener { get; }

    /// <summary>
    /// The host rules that attach the target groups to the load balancer. The ECS service waits for them:
    /// <c>CreateService</c> refuses a target group that has no associated load balancer yet.
    /// </summary>
    public IReadOnlyList<Resource> ListenerRules { get; }

    public LoadBalancer(string name, LoadBalancerArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.LoadBalancer, name, options)
    {
        var spec = args.Spec;
        Input<string> zoneId = args.HostedZoneId ?? spec.Dns?.HostedZoneId ?? throw new ArgumentException(
            "convex-infra:hostedZoneId: the aws-ecs target validates its ACM certificate through Route 53 and needs the hosted zone "
            + "of the three hostnames. Example: convex-infra:hostedZoneId: Z0123456789ABCDEFGHIJ", nameof(args));
        var plan = AlbRoutingPlan.For(spec);
        var child = new CustomResourceOptions { Parent = this };

        var group = new Ec2.SecurityGroup($"{name}-alb", new Ec2.SecurityGroupArgs
        {
            VpcId = args.VpcId,
            Description = $"Convex load balancer of {spec.StackName}/{spec.InstanceName}",
            Tags = AwsTags.For(spec, $"{name}-alb"),
        }, child);

        var sources = spec.Network.HttpAllowedCidrs.Count > 0 ? spec.Network.HttpAllowedCidrs : [IngressPlan.WorldIpv4];
        foreach (var (cidr, i) in sources.Select((c, i) => (c, i)))
        {
            foreach (var port in new[] { 80, 443 })
            {
                _ = new Vpc.SecurityGroupIngressRule($"{name}-alb-{port}-{i}", new Vpc.SecurityGroupIngressRuleArgs
                {
                    SecurityGroupId = group.Id,
                    IpProtocol = "tcp",
                    FromPort = port,
                    ToPort = port,
                    CidrIpv4 = cidr,
                    Description = port == 443 ? $"HTTPS from {cidr}" : $"HTTP from {cidr} (redirect to HTTPS only)",
                    Tags = AwsTags.For(spec, $"{name}-alb-{port}-{i}"),
                }, child);
            }
        }

        var taskGroups = new Dictionary<string, Input<string>>(StringComparer.Ordinal)
        {
            [EcsContainers.BackendTask] = args.TaskSecurityGroupId,
            [EcsContainers.DashboardTask] = args.DashboardSecurityGroupId,
        };
        var portsByGroup = plan.Targets
            .SelectMany(t => new[] { (t.Task, Port: t.ContainerPort), (t.Task, Port: t.HealthCheckPort) })
            .Distinct()
            .ToList();
        if (portsByGroup.Select(p => p.Port).Distinct().Count() != portsByGroup.Count)
        {
            throw new InvalidOperationException("a container port belongs to two tasks; the security group rules are named by port");
        }

        foreach (var (task, port) in portsByGroup)
        {
            var taskGroup = taskGroups[task];
            _ = new Vpc.SecurityGroupEgressRule($"{name}-alb-to-task-{port}", new Vpc.SecurityGroupEgressRuleArgs
            {
                SecurityGroupId = group.Id,
                IpProtocol = "tcp",
                FromPort = port,
                ToPort = port,
                ReferencedSecurityGroupId = taskGroup,
                Description = $"To the {task} task on {port}",
                Tags = AwsTags.For(spec, $"{name}-alb-to-task-{port}"),
            }, child);
            _ = new Vpc.SecurityGroupIngressRule($"{name}-task-from-alb-{port}", new Vpc.SecurityGroupIngressRuleArgs
            {
                SecurityGroupId = taskGroup,
                IpProtocol = "tcp",
                FromPort = port,
                ToPort = port,
                ReferencedSecurityGroupId = group.Id,
                Description = $"From the load balancer on {port}",
                Tags = AwsTags.For(spec, $"{name}-task-from-alb-{port}"),
            }, child);
        }

        var alb = new LB.LoadBalancer($"{name}-alb", new LB.LoadBalancerArgs
        {
            LoadBalancerType = "application",
            Internal = false,
            SecurityGroups = { group.Id },
            Subnets = args.PublicSubnetIds,
            IdleTimeout = EcsDeploymentSettings.LoadBalancerIdleTimeoutSeconds(spec),
            DropInvalidHeaderFields = true,
            EnableDeletionProtection = spec.Protection.DeletionProtection,
            Tags = AwsTags.For(spec, $"{name}-alb"),
        }, child);

        var certificate = Certificate(name, spec, zoneId, child);

        var targetGroups = plan.Targets.ToDictionary(t => t.Name, t => new LB.TargetGroup($"{name}-{t.Name}", new LB.TargetGroupArgs
        {
            VpcId = args.VpcId,
            TargetType = "ip",
            Protocol = "HTTP",
            Port = t.ContainerPort,
            DeregistrationDelay = EcsDeploymentSettings.DeregistrationDelaySeconds,
            HealthCheck = new LB.Inputs.TargetGroupHealthCheckArgs
            {
                Enabled = true,
                Protocol = "HTTP",
                Path = t.HealthCheckPath,
                Port = t.HealthCheckPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Matcher = t.HealthCheckMatcher,
                Interval = EcsDeploymentSettings.TargetHealthCheckIntervalSeconds,
                Timeout = EcsDeploymentSettings.TargetHealthCheckTimeoutSeconds,
                HealthyThreshold = EcsDeploymentSettings.TargetHealthyThreshold,
                UnhealthyThreshold = EcsDeploymentSettings.TargetUnhealthyThreshold,
            },
            Tags = AwsTags.For(spec, $"{name}-{t.Name}"),
        }, child), StringComparer.Ordinal);

        _ = new LB.Listener($"{name}-http", new LB.ListenerArgs
        {
            LoadBalancerArn = alb.Arn,
            Port = 80,
            Protocol = "HTTP",
            DefaultActions =
            {
                new LB.Inputs.ListenerDefaultActionArgs
                {
                    Type = "redirect",
                    Redirect = new LB.Inputs.ListenerDefaultActionRedirectArgs { Protocol = "HTTPS", Port = "443", StatusCode = "HTTP_301" },
                },
            },
            Tags = AwsTags.For(spec, $"{name}-http"),
        }, child);

        var https = new LB.Listener($"{name}-https", new LB.ListenerArgs
        {
            LoadBalancerArn = alb.Arn,
            Port = 443,
            Protocol = "HTTPS",
            SslPolicy = EcsDeploymentSettings.TlsPolicy,
            CertificateArn = certificate,
            DefaultActions =
            {
                new LB.Inputs.ListenerDefaultActionArgs
                {
                    Type = "fixed-response",
                    FixedResponse = new LB.Inputs.ListenerDefaultActionFixedResponseArgs { ContentType = "text/plain", StatusCode = "404", MessageBody = "Unknown host" },
                },
            },
            Tags = AwsTags.For(spec, $"{name}-https"),
        }, child);

        var rules = new List<Resource>();
        foreach (var block in plan.BlockRules)
        {
            // No host condition: every host name, known or not. Its priority is above every host rule's.
            rules.Add(new LB.ListenerRule($"{name}-rule-{block.Priority}", new LB.ListenerRuleArgs
            {
                ListenerArn = https.Arn,
                Priority = block.Priority,
                Conditions =
                {
                    new LB.Inputs.ListenerRuleConditionArgs
                    {
                        PathPattern = new LB.Inputs.ListenerRuleConditionPathPatternArgs { Values = block.PathPatterns.ToList() },
                    },
                },
                Actions =
                {
                    new LB.Inputs.ListenerRuleActionArgs
                    {
                        Type = "fixed-response",
                        FixedResponse = new LB.Inputs.ListenerRuleActionFixedResponseArgs
                        {
                            ContentType = "text/plain",
                            StatusCode = block.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            MessageBody = block.Body,
                        },
                    },
                },
                Tags = AwsTags.For(spec, $"{name}-rule-{block.Priority}"),
            }, child));
        }

        foreach (var rule in plan.Rules)
        {
            var condition = new InputList<LB.Inputs.ListenerRuleConditionArgs>
            {
                new LB.Inputs.ListenerRuleConditionArgs
                {
                    HostHeader = new LB.Inputs.ListenerRuleConditionHostHeaderArgs { Values = { rule.Hostname } },
                },
            };
            if (rule.SourceCidrs.Count > 0)
            {
                condition.Add(new LB.Inputs.ListenerRuleConditionArgs
                {
                    SourceIp = new LB.Inputs.ListenerRuleConditionSourceIpArgs { Values = rule.SourceCidrs.ToList() },
                });
            }

            rules.Add(new LB.ListenerRule($"{name}-rule-{rule.Priority}", new LB.ListenerRuleArgs
            {
                ListenerArn = https.Arn,
                Priority = rule.Priority,
                Conditions = condition,
                Actions =
                {
                    new LB.Inputs.ListenerRuleActionArgs { Type = "forward", TargetGroupArn = targetGroups[rule.TargetName].Arn },
                },
                Tags = AwsTags.For(spec, $"{name}-rule-{rule.Priority}"),
            }, child));
        }

        foreach (var hostname in plan.Rules.Select(r => r.Hostname).Distinct(StringComparer.Ordinal))
        {
            _ = new Route53.Record($"{name}-{hostname}", new Route53.RecordArgs
            {
                ZoneId = zoneId,
                Name = hostname,
                Type = "A",
                Aliases =
                {
                    new Route53.Inputs.RecordAliasArgs { Name = alb.DnsName, ZoneId = alb.ZoneId, EvaluateTargetHealth = true },
                },
            }, child);
        }

        DnsName = alb.DnsName;
        TargetGroupArns = targetGroups.ToDictionary(p => p.Key, p => p.Value.Arn, StringComparer.Ordinal);
        ArnSuffix = alb.ArnSuffix;
        ApiTargetGroupArnSuffix = targetGroups[AlbRoutingPlan.ApiTarget].ArnSuffix;
        HttpsListener = https;
        ListenerRules = rules;
        RegisterOutputs(new Dictionary<string, object?> { ["dnsName"] = DnsName });
    }

    /// <summary>One certificate for the three hostnames, issued once Route 53 serves ACM's validation records.</summary>
    private static Output<string> Certificate(string name, DeploymentSpec spec, Input<string> zoneId, CustomResourceOptions child)
    {
        var endpoints = spec.Endpoints;
        string[] hostnames = [endpoints.ApiHostname, endpoints.SiteHostname, endpoints.DashboardHostname];
        var certificate = new Acm.Certificate($"{name}-certificate", new Acm.CertificateArgs
        {
            DomainName = hostnames[0],
            SubjectAlternativeNames = hostnames.Skip(1).ToList(),
            ValidationMethod = "DNS",
            Tags = AwsTags.For(spec, $"{name}-certificate"),
        }, child);

        var fqdns = new List<Output<string>>();
        foreach (var (hostname, i) in hostnames.Select((h, i) => (h, i)))
        {
            var option = certificate.DomainValidationOptions.Apply(options => options.FirstOrDefault(o => o.DomainName == hostname)
                ?? throw new InvalidOperationException($"ACM returned no DNS validation record for {hostname}"));
            var record = new Route53.Record($"{name}-validation-{i}", new Route53.RecordArgs
            {
                ZoneId = zoneId,
                Name = option.Apply(o => o.ResourceRecordName),
                Type = option.Apply(o => o.ResourceRecordType),
                Records = { option.Apply(o => o.ResourceRecordValue) },
                Ttl = 300,
                AllowOverwrite = true,
            }, child);
            fqdns.Add(record.Fqdn);
        }

        var validation = new Acm.CertificateValidation($"{name}-certificate-validation", new Acm.CertificateValidationArgs
        {
            CertificateArn = certificate.Arn,
            ValidationRecordFqdns = fqdns,
        }, child);
        return validation.CertificateArn;
    }
}
