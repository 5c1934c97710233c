namespace ConvexInfra.Core.Planning;

/// <summary>
/// Pulumi type tokens of the resources the program registers, as <c>pulumi preview</c> and the engine name them.
/// The plan lists resources by these tokens so a test can compare it with what the components register.
/// </summary>
public static class ResourceTypes
{
    public const string Vpc = "aws:ec2/vpc:Vpc";
    public const string InternetGateway = "aws:ec2/internetGateway:InternetGateway";
    public const string RouteTable = "aws:ec2/routeTable:RouteTable";
    public const string Route = "aws:ec2/route:Route";
    public const string Subnet = "aws:ec2/subnet:Subnet";
    public const string RouteTableAssociation = "aws:ec2/routeTableAssociation:RouteTableAssociation";
    public const string VpcEndpoint = "aws:ec2/vpcEndpoint:VpcEndpoint";
    public const string SecurityGroup = "aws:ec2/securityGroup:SecurityGroup";
    public const string IngressRule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    public const string EgressRule = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
    public const string Eip = "aws:ec2/eip:Eip";
    public const string NatGateway = "aws:ec2/natGateway:NatGateway";
    public const string Instance = "aws:ec2/instance:Instance";

    public const string DbInstance = "aws:rds/instance:Instance";
    public const string DbSubnetGroup = "aws:rds/subnetGroup:SubnetGroup";
    public const string DbParameterGroup = "aws:rds/parameterGroup:ParameterGroup";

    public const string Bucket = "aws:s3/bucket:Bucket";
    public const string BucketOwnershipControls = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
    public const string BucketPublicAccessBlock = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
    public const string BucketEncryption = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
    public const string BucketPolicy = "aws:s3/bucketPolicy:BucketPolicy";
    public const string BucketVersioning = "aws:s3/bucketVersioning:BucketVersioning";
    public const string BucketObjectLock = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
    public const string BucketLifecycle = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
    public const string BucketReplication = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
    /// <summary>No longer registered: the backup copy's replication is a command now, whose alias names this type (its old state).</summary>
    public const string DbBackupsReplication = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";
    public const string AwsProvider = "pulumi:providers:aws";

    public const string Parameter = "aws:ssm/parameter:Parameter";
    public const string SsmDocument = "aws:ssm/document:Document";
    public const string KmsKey = "aws:kms/key:Key";
    public const string KmsAlias = "aws:kms/alias:Alias";
    public const string Role = "aws:iam/role:Role";
    public const string RolePolicy = "aws:iam/rolePolicy:RolePolicy";
    public const string RolePolicyAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
    public const string InstanceProfile = "aws:iam/instanceProfile:InstanceProfile";

    public const string Record = "aws:route53/record:Record";
    public const string HealthCheck = "aws:route53/healthCheck:HealthCheck";
    public const string Certificate = "aws:acm/certificate:Certificate";
    public const string CertificateValidation = "aws:acm/certificateValidation:CertificateValidation";

    public const string LoadBalancer = "aws:lb/loadBalancer:LoadBalancer";
    public const string TargetGroup = "aws:lb/targetGroup:TargetGroup";
    public const string Listener = "aws:lb/listener:Listener";
    public const string ListenerRule = "aws:lb/listenerRule:ListenerRule";

    public const string EcsCluster = "aws:ecs/cluster:Cluster";
    public const string TaskDefinition = "aws:ecs/taskDefinition:TaskDefinition";
    public const string EcsService = "aws:ecs/service:Service";

    public const string LogGroup = "aws:cloudwatch/logGroup:LogGroup";
    public const string MetricAlarm = "aws:cloudwatch/metricAlarm:MetricAlarm";
    public const string Dashboard = "aws:cloudwatch/dashboard:Dashboard";
    public const string EventRule = "aws:cloudwatch/eventRule:EventRule";
    public const string EventTarget = "aws:cloudwatch/eventTarget:EventTarget";
    public const string Schedule = "aws:scheduler/schedule:Schedule";
    public const string Topic = "aws:sns/topic:Topic";
    public const string TopicSubscription = "aws:sns/topicSubscription:TopicSubscription";

    public const string RandomBytes = "random:index/randomBytes:RandomBytes";
    public const string RandomInteger = "random:index/randomInteger:RandomInteger";
    public const string RandomPassword = "random:index/randomPassword:RandomPassword";
    public const string TlsPrivateKey = "tls:index/privateKey:PrivateKey";
    public const string Command = "command:local:Command";

    public const string DockerNetwork = "docker:index/network:Network";
    public const string DockerVolume = "docker:index/volume:Volume";
    public const string DockerImage = "docker:index/remoteImage:RemoteImage";
    public const string DockerContainer = "docker:index/container:Container";
}
