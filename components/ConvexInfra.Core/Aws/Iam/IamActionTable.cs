namespace ConvexInfra.Core.Aws.Iam;

/// <summary>
/// The AWS actions each resource type of the program needs, per phase. Source of every set: the Terraform AWS provider
/// resource that pulumi-aws v7 wraps (hashicorp/terraform-provider-aws, <c>internal/service/&lt;service&gt;/&lt;resource&gt;.go</c>:
/// the API calls of its Create, Read, Update and Delete functions and its tag helpers), translated to IAM actions with
/// the AWS Service Authorization Reference (where an API call's IAM action has another name, e.g. S3's
/// <c>DeleteBucketEncryption</c> is <c>s3:PutEncryptionConfiguration</c>). The component test
/// <c>IamCompletenessTests</c> fails for any registered type that is missing here.
/// </summary>
internal static class IamActionTable
{
    private const string Tf = "terraform-provider-aws internal/service/";

    public static IReadOnlyList<IamResourceActions> Resources { get; } =
    [
        // EC2 networking (internal/service/ec2/vpc_*.go)
        Rule("aws:ec2/vpc:Vpc", Tf + "ec2/vpc_.go",
            create: ["ec2:CreateVpc", "ec2:ModifyVpcAttribute"],
            read: ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups"],
            update: ["ec2:ModifyVpcAttribute"],
            delete: ["ec2:DeleteVpc"],
            tag: Ec2Tags),
        Rule("aws:ec2/subnet:Subnet", Tf + "ec2/vpc_subnet.go",
            create: ["ec2:CreateSubnet", "ec2:ModifySubnetAttribute"],
            read: ["ec2:DescribeSubnets"],
            update: ["ec2:ModifySubnetAttribute"],
            delete: ["ec2:DeleteSubnet", "ec2:DescribeNetworkInterfaces"],
            tag: Ec2Tags),
        Rule("aws:ec2/internetGateway:InternetGateway", Tf + "ec2/vpc_internet_gateway.go",
            create: ["ec2:CreateInternetGateway", "ec2:AttachInternetGateway"],
            read: ["ec2:DescribeInternetGateways"],
            update: ["ec2:AttachInternetGateway", "ec2:DetachInternetGateway"],
            delete: ["ec2:DetachInternetGateway", "ec2:DeleteInternetGateway"],
            tag: Ec2Tags),
        Rule("aws:ec2/natGateway:NatGateway", Tf + "ec2/vpc_nat_gateway.go",
            create: ["ec2:CreateNatGateway"],
            read: ["ec2:DescribeNatGateways"],
            update: [],
            delete: ["ec2:DeleteNatGateway"],
            tag: Ec2Tags),
        Rule("aws:ec2/eip:Eip", Tf + "ec2/ec2_eip.go",
            create: ["ec2:AllocateAddress", "ec2:AssociateAddress"],
            read: ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"],
            update: ["ec2:AssociateAddress", "ec2:DisassociateAddress"],
            delete: ["ec2:DisassociateAddress", "ec2:ReleaseAddress"],
            tag: Ec2Tags),
        Rule("aws:ec2/routeTable:RouteTable", Tf + "ec2/vpc_route_table.go",
            create: ["ec2:CreateRouteTable", "ec2:CreateRoute"],
            read: ["ec2:DescribeRouteTables"],
            update: ["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"],
            delete: ["ec2:DeleteRouteTable"],
            tag: Ec2Tags),
        Rule("aws:ec2/route:Route", Tf + "ec2/vpc_route.go",
            create: ["ec2:CreateRoute"],
            read: ["ec2:DescribeRouteTables"],
            update: ["ec2:ReplaceRoute"],
            delete: ["ec2:DeleteRoute"],
            tag: []),
        Rule("aws:ec2/routeTableAssociation:RouteTableAssociation", Tf + "ec2/vpc_route_table_association.go",
            create: ["ec2:AssociateRouteTable"],
            read: ["ec2:DescribeRouteTables"],
            update: ["ec2:ReplaceRouteTableAssociation"],
            delete: ["ec2:DisassociateRouteTable"],
            tag: []),
        Rule("aws:ec2/vpcEndpoint:VpcEndpoint", Tf + "ec2/vpc_endpoint.go",
            create: ["ec2:CreateVpcEndpoint"],
            read: ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"],
            update: ["ec2:ModifyVpcEndpoint"],
            delete: ["ec2:DeleteVpcEndpoints"],
            tag: Ec2Tags),
        Rule("aws:ec2/securityGroup:SecurityGroup", Tf + "ec2/vpc_security_group.go",
            create: ["ec2:CreateSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupEgress"],
            read: ["ec2:DescribeSecurityGroups"],
            update: ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"],
            delete: ["ec2:DeleteSecurityGroup", "ec2:DescribeNetworkInterfaces"],
            tag: Ec2Tags),
        Rule("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", Tf + "ec2/vpc_security_group_ingress_rule.go",
            create: ["ec2:AuthorizeSecurityGroupIngress"],
            read: ["ec2:DescribeSecurityGroupRules"],
            update: ["ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress"],
            delete: ["ec2:RevokeSecurityGroupIngress"],
            tag: Ec2Tags),
        Rule("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", Tf + "ec2/vpc_security_group_egress_rule.go",
            create: ["ec2:AuthorizeSecurityGroupEgress"],
            read: ["ec2:DescribeSecurityGroupRules"],
            update: ["ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsEgress"],
            delete: ["ec2:RevokeSecurityGroupEgress"],
            tag: Ec2Tags),

        // EC2 host (internal/service/ec2/ec2_instance.go): RunInstances passes the instance profile's role to EC2.
        Rule("aws:ec2/instance:Instance", Tf + "ec2/ec2_instance.go",
            create: ["ec2:RunInstances", new IamAction("iam:PassRole", IamOn.RoleOfInstanceProfile, "iamInstanceProfile", "ec2.amazonaws.com")],
            read: ["ec2:DescribeInstances", "ec2:DescribeInstanceAttribute", "ec2:DescribeInstanceCreditSpecifications", "ec2:DescribeInstanceTypes", "ec2:DescribeImages", "ec2:DescribeVolumes", "ec2:DescribeNetworkInterfaces"],
            update: ["ec2:ModifyInstanceAttribute", "ec2:ModifyInstanceMetadataOptions", "ec2:StopInstances", "ec2:StartInstances", new IamAction("iam:PassRole", IamOn.RoleOfInstanceProfile, "iamInstanceProfile", "ec2.amazonaws.com")],
            delete: ["ec2:TerminateInstances"],
            tag: Ec2Tags),

        // IAM (internal/service/iam/role.go, role_policy.go, role_policy_attachment.go, instance_profile.go)
        Rule("aws:iam/role:Role", Tf + "iam/role.go",
            create: ["iam:CreateRole"],
            read: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
            // A changed permissions_boundary: PutRolePermissionsBoundary (resourceRoleUpdate); the first deploy with
            // rolePermissionsBoundary puts it on roles created before the setting.
            update: ["iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:PutRolePermissionsBoundary"],
            delete: ["iam:ListInstanceProfilesForRole", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRole"],
            tag: ["iam:TagRole", "iam:UntagRole"]),
        Rule("aws:iam/rolePolicy:RolePolicy", Tf + "iam/role_policy.go",
            create: ["iam:PutRolePolicy"],
            read: ["iam:GetRolePolicy"],
            update: ["iam:PutRolePolicy"],
            delete: ["iam:DeleteRolePolicy"],
            tag: []),
        Rule("aws:iam/rolePolicyAttachment:RolePolicyAttachment", Tf + "iam/role_policy_attachment.go",
            create: ["iam:AttachRolePolicy"],
            read: ["iam:ListAttachedRolePolicies"],
            update: [],
            delete: ["iam:DetachRolePolicy"],
            tag: []),
        Rule("aws:iam/instanceProfile:InstanceProfile", Tf + "iam/instance_profile.go",
            create: ["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"],
            read: ["iam:GetInstanceProfile"],
            update: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile"],
            delete: ["iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            tag: ["iam:TagInstanceProfile", "iam:UntagInstanceProfile"]),

        // RDS (internal/service/rds/instance.go, subnet_group.go, parameter_group.go); the first instance of an
        // account creates RDS's service-linked role. A protected instance's delete takes a final snapshot.
        Rule("aws:rds/instance:Instance", Tf + "rds/instance.go",
            create: ["rds:CreateDBInstance", IamAction.ServiceLinkedRole("rds.amazonaws.com")],
            read: ["rds:DescribeDBInstances"],
            update: ["rds:ModifyDBInstance", "rds:RebootDBInstance"],
            delete: ["rds:DeleteDBInstance", "rds:CreateDBSnapshot"],
            tag: RdsTags),
        Rule("aws:rds/subnetGroup:SubnetGroup", Tf + "rds/subnet_group.go",
            create: ["rds:CreateDBSubnetGroup"],
            read: ["rds:DescribeDBSubnetGroups"],
            update: ["rds:ModifyDBSubnetGroup"],
            delete: ["rds:DeleteDBSubnetGroup"],
            tag: RdsTags),
        Rule("aws:rds/parameterGroup:ParameterGroup", Tf + "rds/parameter_group.go",
            create: ["rds:CreateDBParameterGroup", "rds:ModifyDBParameterGroup"],
            read: ["rds:DescribeDBParameterGroups", "rds:DescribeDBParameters"],
            update: ["rds:ModifyDBParameterGroup", "rds:ResetDBParameterGroup"],
            delete: ["rds:DeleteDBParameterGroup"],
            tag: RdsTags),

        // S3 (internal/service/s3/bucket.go reads every sub-configuration; the bucket_* resources own one each;
        // their Delete* API calls are authorized by the Put* action).
        Rule("aws:s3/bucket:Bucket", Tf + "s3/bucket.go",
            create: ["s3:CreateBucket", "s3:ListBucket"],
            read:
            [
                "s3:ListBucket", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite", "s3:GetBucketVersioning",
                "s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetLifecycleConfiguration",
                "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketObjectLockConfiguration",
                "s3:GetBucketPolicy", "s3:GetBucketTagging", "s3:GetBucketLocation",
            ],
            update: [],
            // force_destroy (throwaway stacks) empties the bucket first: every version of every object.
            delete: ["s3:DeleteBucket", "s3:ListBucketVersions", new IamAction("s3:DeleteObject", IamOn.BucketObjects), new IamAction("s3:DeleteObjectVersion", IamOn.BucketObjects)],
            tag: ["s3:PutBucketTagging"]),
        Rule("aws:s3/bucketPolicy:BucketPolicy", Tf + "s3/bucket_policy.go",
            create: ["s3:PutBucketPolicy"], read: ["s3:GetBucketPolicy"], update: ["s3:PutBucketPolicy"], delete: ["s3:DeleteBucketPolicy"], tag: []),
        Rule("aws:s3/bucketVersioning:BucketVersioning", Tf + "s3/bucket_versioning.go",
            create: ["s3:PutBucketVersioning"], read: ["s3:GetBucketVersioning"], update: ["s3:PutBucketVersioning"], delete: ["s3:PutBucketVersioning"], tag: []),
        Rule("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Tf + "s3/bucket_public_access_block.go",
            create: ["s3:PutBucketPublicAccessBlock"], read: ["s3:GetBucketPublicAccessBlock"], update: ["s3:PutBucketPublicAccessBlock"], delete: ["s3:PutBucketPublicAccessBlock"], tag: []),
        Rule("aws:s3/bucketOwnershipControls:BucketOwnershipControls", Tf + "s3/bucket_ownership_controls.go",
            create: ["s3:PutBucketOwnershipControls"], read: ["s3:GetBucketOwnershipControls"], update: ["s3:PutBucketOwnershipControls"], delete: ["s3:PutBucketOwnershipControls"], tag: []),
        Rule("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", Tf + "s3/bucket_server_side_encryption_configuration.go",
            create: ["s3:PutEncryptionConfiguration"], read: ["s3:GetEncryptionConfiguration"], update: ["s3:PutEncryptionConfiguration"], delete: ["s3:PutEncryptionConfiguration"], tag: []),
        Rule("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", Tf + "s3/bucket_lifecycle_configuration.go",
            create: ["s3:PutLifecycleConfiguration"], read: ["s3:GetLifecycleConfiguration"], update: ["s3:PutLifecycleConfiguration"], delete: ["s3:PutLifecycleConfiguration"], tag: []),

        // SSM Parameter Store (internal/service/ssm/parameter.go)
        Rule("aws:ssm/parameter:Parameter", Tf + "ssm/parameter.go",
            create: ["ssm:PutParameter"],
            read: ["ssm:GetParameter", "ssm:DescribeParameters"],
            update: ["ssm:PutParameter"],
            delete: ["ssm:DeleteParameter"],
            tag: ["ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource"]),

        // Certificates and DNS (internal/service/acm/certificate.go, certificate_validation.go; route53/record.go, health_check.go)
        Rule("aws:acm/certificate:Certificate", Tf + "acm/certificate.go",
            create: ["acm:RequestCertificate"],
            read: ["acm:DescribeCertificate"],
            update: [],
            delete: ["acm:DeleteCertificate"],
            tag: ["acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate", "acm:ListTagsForCertificate"]),
        Rule("aws:acm/certificateValidation:CertificateValidation", Tf + "acm/certificate_validation.go",
            create: ["acm:DescribeCertificate"], read: ["acm:DescribeCertificate"], update: [], delete: [], tag: []),
        Rule("aws:route53/record:Record", Tf + "route53/record.go",
            create: ["route53:ChangeResourceRecordSets", new IamAction("route53:GetChange", IamOn.Route53Change), "route53:GetHostedZone"],
            read: ["route53:ListResourceRecordSets", "route53:GetHostedZone"],
            update: ["route53:ChangeResourceRecordSets"],
            delete: ["route53:ChangeResourceRecordSets"],
            tag: []),
        Rule("aws:route53/healthCheck:HealthCheck", Tf + "route53/health_check.go",
            create: ["route53:CreateHealthCheck"],
            read: ["route53:GetHealthCheck"],
            update: ["route53:UpdateHealthCheck"],
            delete: ["route53:DeleteHealthCheck"],
            tag: ["route53:ChangeTagsForResource", "route53:ListTagsForResource"]),

        // Load balancer (internal/service/elbv2/load_balancer.go, target_group.go, listener.go, listener_rule.go); the
        // first load balancer of an account creates ELB's service-linked role; deleting one waits for its interfaces.
        Rule("aws:lb/loadBalancer:LoadBalancer", Tf + "elbv2/load_balancer.go",
            create: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes", IamAction.ServiceLinkedRole("elasticloadbalancing.amazonaws.com")],
            // DescribeCapacityReservation: read since terraform-provider-aws#42685 (an AccessDenied is tolerated since #42724).
            read: ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeCapacityReservation"],
            update: ["elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets"],
            delete: ["elasticloadbalancing:DeleteLoadBalancer", "ec2:DescribeNetworkInterfaces"],
            tag: ElbTags),
        Rule("aws:lb/targetGroup:TargetGroup", Tf + "elbv2/target_group.go",
            create: ["elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"],
            read: ["elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes"],
            update: ["elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"],
            delete: ["elasticloadbalancing:DeleteTargetGroup"],
            tag: ElbTags),
        Rule("aws:lb/listener:Listener", Tf + "elbv2/listener.go",
            create: ["elasticloadbalancing:CreateListener"],
            // Listener attributes (routing_http_*) are read on every refresh (pulumi-aws 6.66+).
            read: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes"],
            update: ["elasticloadbalancing:ModifyListener"],
            delete: ["elasticloadbalancing:DeleteListener"],
            tag: ElbTags),
        Rule("aws:lb/listenerRule:ListenerRule", Tf + "elbv2/listener_rule.go",
            create: ["elasticloadbalancing:CreateRule"],
            read: ["elasticloadbalancing:DescribeRules"],
            update: ["elasticloadbalancing:ModifyRule"],
            delete: ["elasticloadbalancing:DeleteRule"],
            tag: ElbTags),

        // ECS (internal/service/ecs/cluster.go, task_definition.go, service.go); the first cluster of an account
        // creates ECS's service-linked role; registering a task definition passes its roles to ECS tasks.
        Rule("aws:ecs/cluster:Cluster", Tf + "ecs/cluster.go",
            create: ["ecs:CreateCluster", IamAction.ServiceLinkedRole("ecs.amazonaws.com")],
            read: ["ecs:DescribeClusters"],
            update: ["ecs:UpdateCluster"],
            delete: ["ecs:DeleteCluster"],
            tag: EcsTags),
        Rule("aws:ecs/taskDefinition:TaskDefinition", Tf + "ecs/task_definition.go",
            create: ["ecs:RegisterTaskDefinition", IamAction.PassRole("taskRoleArn", "ecs-tasks.amazonaws.com"), IamAction.PassRole("executionRoleArn", "ecs-tasks.amazonaws.com")],
            read: ["ecs:DescribeTaskDefinition"],
            update: [],
            delete: ["ecs:DeregisterTaskDefinition"],
            tag: EcsTags),
        Rule("aws:ecs/service:Service", Tf + "ecs/service.go",
            create: ["ecs:CreateService"],
            read: ["ecs:DescribeServices"],
            update: ["ecs:UpdateService"],
            delete: ["ecs:UpdateService", "ecs:DeleteService"],
            tag: EcsTags),

        // Logs, alarms, dashboards, events (internal/service/logs/group.go; cloudwatch/metric_alarm.go, dashboard.go;
        // events/rule.go, target.go)
        Rule("aws:cloudwatch/logGroup:LogGroup", Tf + "logs/group.go",
            create: ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
            read: ["logs:DescribeLogGroups"],
            update: ["logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy"],
            delete: ["logs:DeleteLogGroup"],
            tag: ["logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"]),
        Rule("aws:cloudwatch/metricAlarm:MetricAlarm", Tf + "cloudwatch/metric_alarm.go",
            create: ["cloudwatch:PutMetricAlarm"],
            read: ["cloudwatch:DescribeAlarms"],
            update: ["cloudwatch:PutMetricAlarm"],
            delete: ["cloudwatch:DeleteAlarms"],
            tag: ["cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"]),
        Rule("aws:cloudwatch/dashboard:Dashboard", Tf + "cloudwatch/dashboard.go",
            create: ["cloudwatch:PutDashboard"],
            read: ["cloudwatch:GetDashboard"],
            update: ["cloudwatch:PutDashboard"],
            delete: ["cloudwatch:DeleteDashboards"],
            tag: []),
        Rule("aws:cloudwatch/eventRule:EventRule", Tf + "events/rule.go",
            create: ["events:PutRule"],
            read: ["events:DescribeRule"],
            update: ["events:PutRule", "events:EnableRule", "events:DisableRule"],
            delete: ["events:DeleteRule"],
            tag: ["events:TagResource", "events:UntagResource", "events:ListTagsForResource"]),
        Rule("aws:cloudwatch/eventTarget:EventTarget", Tf + "events/target.go",
            create: ["events:PutTargets"],
            read: ["events:ListTargetsByRule"],
            update: ["events:PutTargets"],
            delete: ["events:RemoveTargets"],
            tag: []),

        // SNS (internal/service/sns/topic.go, topic_subscription.go)
        Rule("aws:sns/topic:Topic", Tf + "sns/topic.go",
            create: ["sns:CreateTopic", "sns:SetTopicAttributes"],
            read: ["sns:GetTopicAttributes"],
            update: ["sns:SetTopicAttributes"],
            delete: ["sns:DeleteTopic"],
            tag: ["sns:TagResource", "sns:UntagResource", "sns:ListTagsForResource"]),
        Rule("aws:sns/topicSubscription:TopicSubscription", Tf + "sns/topic_subscription.go",
            create: ["sns:Subscribe"],
            read: ["sns:GetSubscriptionAttributes"],
            update: ["sns:SetSubscriptionAttributes"],
            delete: ["sns:Unsubscribe"],
            tag: []),

        // EventBridge Scheduler (internal/service/scheduler/schedule.go): the schedule passes its role to the scheduler.
        Rule("aws:scheduler/schedule:Schedule", Tf + "scheduler/schedule.go",
            create: ["scheduler:CreateSchedule", IamAction.PassRole("target.roleArn", "scheduler.amazonaws.com")],
            read: ["scheduler:GetSchedule"],
            update: ["scheduler:UpdateSchedule", IamAction.PassRole("target.roleArn", "scheduler.amazonaws.com")],
            delete: ["scheduler:DeleteSchedule"],
            tag: []),
    ];

    /// <summary>EC2 resources get their tags with their Describe call; the provider's tag helper lists them with DescribeTags where not.</summary>
    private static IReadOnlyList<IamAction> Ec2Tags => ["ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeTags"];

    private static IReadOnlyList<IamAction> RdsTags => ["rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:ListTagsForResource"];

    private static IReadOnlyList<IamAction> ElbTags => ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", "elasticloadbalancing:DescribeTags"];

    private static IReadOnlyList<IamAction> EcsTags => ["ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource"];

    private static IamResourceActions Rule(
        string type,
        string source,
        IReadOnlyList<IamAction> create,
        IReadOnlyList<IamAction> read,
        IReadOnlyList<IamAction> update,
        IReadOnlyList<IamAction> delete,
        IReadOnlyList<IamAction> tag) =>
        new(type, create, read, update, delete, tag, source);
}
