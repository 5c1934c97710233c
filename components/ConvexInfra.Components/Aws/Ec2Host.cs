using System.Collections.Immutable;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Rollout;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using Pulumi;
using CloudWatch = Pulumi.Aws.CloudWatch;
using CommandLocal = Pulumi.Command.Local;
using Ec2 = Pulumi.Aws.Ec2;
using Iam = Pulumi.Aws.Iam;
using Route53 = Pulumi.Aws.Route53;
using Ssm = Pulumi.Aws.Ssm;
using Vpc = Pulumi.Aws.Vpc;

namespace ConvexInfra.Components.Aws;

public sealed class Ec2HostArgs
{
    public required DeploymentSpec Spec { get; init; }
    public required AwsAccountContext Account { get; init; }
    public required string AmiId { get; init; }
    public required Input<string> SubnetId { get; init; }

    /// <summary>The network's backend group; this component adds the public ingress rules to it.</summary>
    public required Input<string> SecurityGroupId { get; init; }

    public required Output<BucketNames> Buckets { get; init; }

    /// <summary>The stack's KMS key: the only key the host may decrypt with.</summary>
    public required Output<string> KeyArn { get; init; }

    /// <summary>The release JSON (Core's HostRelease) the host's timer applies; not secret.</summary>
    public required Output<string> ReleaseJson { get; init; }

    /// <summary>The Route 53 zone when it is an input of its own (an output of another resource); else the spec's.</summary>
    public Input<string>? HostedZoneId { get; init; }
}

/// <summary>
/// One Graviton host running the backend, the dashboard and Caddy (TLS) with docker-compose. The user data only
/// bootstraps and never changes with the image revision or environment: those arrive through the release SSM
/// parameter, which the host applies in place as soon as <c>pulumi up</c> asks it through SSM Run Command (a systemd
/// timer is the fallback; one backend at a time, stopped before its successor starts). The instance therefore is
/// never replaced by a routine <c>pulumi up</c>.
/// </summary>
public sealed class Ec2Host : ComponentResource
{
    /// <summary>Public SSM parameter that always names the newest Amazon Linux 2023 arm64 AMI.</summary>
    public const string AmiParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

    public Output<string> InstanceId { get; }

    /// <summary>The instance role (a reader of the stack key).</summary>
    public Output<string> RoleArn { get; }
    public Output<string> PublicIp { get; }
    public Output<string> ReleaseParameterName { get; }
    public Output<string> StatusParameterName { get; }
    public Output<string> LogGroupName { get; }

    /// <summary>The host's report on the release this update wrote (stdout of the wait step); fails the update unless applied.</summary>
    public Output<string> ReleaseReport { get; }

    /// <summary>Records to create by hand: empty when a Route 53 zone is configured (they are created here).</summary>
    public Output<ImmutableArray<DnsRecord>> ManualDnsRecords { get; }

    public Ec2Host(string name, Ec2HostArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.Ec2Host, name, options)
    {
        var spec = args.Spec;
        var region = args.Account.Region;
        var child = new CustomResourceOptions { Parent = this };

        OpenPublicPorts(name, spec, args.SecurityGroupId, child);

        var role = new Iam.Role($"{name}-role", new Iam.RoleArgs
        {
            AssumeRolePolicy = IamPolicies.Ec2AssumeRole(),
            Description = $"Convex host of {spec.StackName}/{spec.InstanceName}",
            Tags = AwsTags.For(spec, $"{name}-role"),
        }.WithBoundary(spec, args.Account), child);

        var logGroup = new CloudWatch.LogGroup($"{name}-logs", new CloudWatch.LogGroupArgs
        {
            Name = ResourceNames.HostLogGroup(spec),
            RetentionInDays = spec.Monitoring.LogRetentionDays,
            Tags = AwsTags.For(spec, $"{name}-logs"),
        }, child);

        var access = new Iam.RolePolicy($"{name}-backend-access", new Iam.RolePolicyArgs
        {
            Role = role.Name,
            Policy = Output.Tuple(args.Buckets, logGroup.Arn, args.KeyArn).Apply(t => StackPolicies.HostBackendAccess(spec, args.Account, t.Item1, t.Item2, t.Item3)),
        }, child);

        // The CloudWatch agent (host tooling) sends the backend's metrics as log events to the stack's metrics log group.
        _ = Ops.BackendMetricsAccess.Grant(name, spec, args.Account, role.Name, child);

        // Session Manager instead of SSH: port 22 stays closed unless sshAllowedCidrs opens it. Our own policy, not
        // AmazonSSMManagedInstanceCore, which lets the host read every parameter of the account. A stack deployed
        // before had that managed policy attached ({name}-ssm-core): it is no longer registered, so the engine detaches
        // it only after every resource of the update, the host's release report included (docs/aws.md).
        var sessionManager = new Iam.RolePolicy($"{name}-session-manager", new Iam.RolePolicyArgs
        {
            Role = role.Name,
            Policy = StackPolicies.HostSessionManager(),
        }, child);

        var profile = new Iam.InstanceProfile($"{name}-profile", new Iam.InstanceProfileArgs
        {
            Role = role.Name,
            Tags = AwsTags.For(spec, $"{name}-profile"),
        }, child);

        var tooling = HostTooling.Render(spec);
        // Part 1 keeps its original resource name (no replacement on upgrade); further parts are siblings.
        var toolingParameters = tooling.Parts.Select(part =>
        {
            var resource = part.Number == 1 ? $"{name}-host-tooling" : $"{name}-host-tooling-{part.Number}";
            return new Ssm.Parameter(resource, new Ssm.ParameterArgs
            {
                Name = part.Parameter,
                Type = "String",
                // Scripts and units (base64 gzip JSON), never a secret; the release names each part by sha256.
                InsecureValue = part.ParameterValue,
                Tier = "Intelligent-Tiering",
                Description = $"Convex host tooling part {part.Number} of {tooling.Parts.Count} ({part.Version}), installed by the host before it applies a release",
                Tags = AwsTags.For(spec, resource),
            }, child);
        }).ToList();

        // Written by the host after each release attempt; Pulumi creates it and never resets what the host wrote.
        var status = new Ssm.Parameter($"{name}-host-status", new Ssm.ParameterArgs
        {
            Name = ResourceNames.HostStatusParameter(spec),
            Type = "String",
            InsecureValue = "{\"status\":\"none\"}",
            Description = "Outcome of the host's last release attempt (applied, failed, rolled-back), written by the host",
            Tags = AwsTags.For(spec, $"{name}-host-status"),
        }, new CustomResourceOptions { Parent = this, IgnoreChanges = { "insecureValue", "value" } });

        // The host reads every tooling part the release names: they must be there before the release changes.
        var releaseOptions = new CustomResourceOptions { Parent = this, DependsOn = { status } };
        foreach (var part in toolingParameters)
        {
            releaseOptions.DependsOn.Add(part);
        }

        // The images of the pinned revision, which the host pulls at its first boot while the database is created (the
        // release exists only after it): not secret, and there before the instance boots.
        var images = new Ssm.Parameter($"{name}-host-images", new Ssm.ParameterArgs
        {
            Name = ResourceNames.HostImagesParameter(spec),
            Type = "String",
            InsecureValue = HostImages.ParameterValue(spec),
            Description = "Images of the pinned Convex revision, pre-pulled by the host at boot (convex-bootstrap)",
            Tags = AwsTags.For(spec, $"{name}-host-images"),
        }, child);

        // What pulumi up sends the host right after it writes a release (SSM Run Command): it can only start convex-release.
        var applyDocument = new Ssm.Document($"{name}-apply-release", new Ssm.DocumentArgs
        {
            Name = ApplyReleaseDocument.Name(spec),
            DocumentType = "Command",
            DocumentFormat = "JSON",
            Content = ApplyReleaseDocument.Content(),
            Tags = AwsTags.For(spec, $"{name}-apply-release"),
        }, child);

        var release = new Ssm.Parameter($"{name}-release", new Ssm.ParameterArgs
        {
            Name = ResourceNames.ReleaseParameter(spec),
            Type = "String",
            // Plain text on purpose: the release names files and plain settings, never a secret value.
            InsecureValue = args.ReleaseJson,
            // Standard tier holds 4 KB; Intelligent-Tiering switches to Advanced only when the release needs it.
            Tier = "Intelligent-Tiering",
            Description = "Convex release applied by the host's convex-release timer",
            Tags = AwsTags.For(spec, $"{name}-release"),
        }, releaseOptions);

        var instance = new Ec2.Instance($"{name}-instance", new Ec2.InstanceArgs
        {
            Ami = args.AmiId,
            InstanceType = spec.Compute.Ec2InstanceType,
            SubnetId = args.SubnetId,
            VpcSecurityGroupIds = { args.SecurityGroupId },
            // A launch-time address lets cloud-init reach the internet before the Elastic IP is attached;
            // AWS releases it once the Elastic IP takes over.
            AssociatePublicIpAddress = true,
            IamInstanceProfile = profile.Name,
            UserData = HostBootstrap.UserData(spec, region),
            UserDataReplaceOnChange = false,
            MetadataOptions = new Ec2.Inputs.InstanceMetadataOptionsArgs
            {
                HttpEndpoint = "enabled",
                HttpTokens = "required",
                // Containers on the docker bridge are one hop further away from IMDS than the host.
                HttpPutResponseHopLimit = 2,
            },
            RootBlockDevice = new Ec2.Inputs.InstanceRootBlockDeviceArgs
            {
                VolumeType = "gp3",
                VolumeSize = spec.Compute.RootVolumeGb,
                Encrypted = true,
                DeleteOnTermination = true,
            },
            Tags = AwsTags.For(spec, $"{name}-instance"),
            VolumeTags = AwsTags.For(spec, $"{name}-root"),
        }, new CustomResourceOptions
        {
            Parent = this,
            // A newer AMI must not replace a running host on the next up; replace it deliberately (docs/aws.md).
            IgnoreChanges = { "ami" },
            // The first boot can read its parameters (and pre-pull the images) at once; the timer would retry anyway.
            DependsOn = { access, sessionManager, images },
        });

        var address = new Ec2.Eip($"{name}-eip", new Ec2.EipArgs
        {
            Domain = "vpc",
            Instance = instance.Id,
            Tags = AwsTags.For(spec, $"{name}-eip"),
        }, child);

        if (spec.Dns is { } dns)
        {
            foreach (var (hostname, index) in Hostnames(spec).Select((h, i) => (h, i)))
            {
                _ = new Route53.Record($"{name}-dns-{index}", new Route53.RecordArgs
                {
                    ZoneId = args.HostedZoneId ?? dns.HostedZoneId!,
                    Name = hostname,
                    Type = "A",
                    Ttl = 300,
                    Records = { address.PublicIp },
                }, child);
            }

            ManualDnsRecords = Output.Create(ImmutableArray<DnsRecord>.Empty);
        }
        else
        {
            ManualDnsRecords = address.PublicIp.Apply(ip => DnsPlan.ForHost(spec, ip).ToImmutableArray());
        }

        // pulumi up ends only when the host reports the release it just wrote (or fails with the host's reason).
        var releaseHash = args.ReleaseJson.Apply(HostRelease.Sha256Hex);
        var wait = new CommandLocal.Command($"{name}-release-report", new CommandLocal.CommandArgs
        {
            Create = HostReportWait.Script(),
            Interpreter = { "/bin/bash", "-c" },
            Environment =
            {
                { "REGION", region },
                { "STATUS_PARAMETER", status.Name },
                { "RELEASE_SHA256", releaseHash },
                { "DEADLINE_SECONDS", (spec.Rollout.HostReportTimeoutMinutes * 60).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                { "INSTANCE_ID", instance.Id },
                { "DOCUMENT_NAME", applyDocument.Name },
            },
            // A new release replaces the command, so the wait runs again for every release and never for an unchanged one.
            Triggers = new InputList<object> { (Input<object>)releaseHash.Apply(h => (object)h) },
        }, new CustomResourceOptions { Parent = this, DependsOn = { release, instance, address, applyDocument } });

        InstanceId = instance.Id;
        RoleArn = role.Arn;
        PublicIp = address.PublicIp;
        ReleaseParameterName = release.Name;
        StatusParameterName = status.Name;
        LogGroupName = logGroup.Name;
        ReleaseReport = wait.Stdout;

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["instanceId"] = InstanceId,
            ["publicIp"] = PublicIp,
            ["releaseParameter"] = ReleaseParameterName,
            ["statusParameter"] = StatusParameterName,
            ["logGroup"] = LogGroupName,
            ["releaseReport"] = ReleaseReport,
        });
    }

    internal static IReadOnlyList<string> Hostnames(DeploymentSpec spec) =>
        [spec.Endpoints.ApiHostname, spec.Endpoints.SiteHostname, spec.Endpoints.DashboardHostname];

    /// <summary>
    /// 443 to the allowlist (or the world); 80 to the world, because Let's Encrypt validates from addresses it does
    /// not publish and Caddy only answers ACME challenges and redirects there; 22 only to sshAllowedCidrs.
    /// </summary>
    private static void OpenPublicPorts(string name, DeploymentSpec spec, Input<string> securityGroupId, CustomResourceOptions child)
    {
        foreach (var rule in IngressPlan.For(spec))
        {
            _ = new Vpc.SecurityGroupIngressRule($"{name}-{rule.Name}", new Vpc.SecurityGroupIngressRuleArgs
            {
                SecurityGroupId = securityGroupId,
                IpProtocol = "tcp",
                FromPort = rule.Port,
                ToPort = rule.Port,
                CidrIpv4 = rule.Cidr,
                Description = rule.Description,
                Tags = AwsTags.For(spec, $"{name}-{rule.Name}"),
            }, child);
        }
    }
}
