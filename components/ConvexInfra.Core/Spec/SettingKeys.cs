namespace ConvexInfra.Core.Spec;

/// <summary>
/// Every configuration key of a ConvexInfra stack. The Pulumi program reads each of <see cref="All"/>
/// from its <c>Config</c> and hands the raw values to <see cref="SettingsReader"/>; the CLI and the docs
/// list them from here, so there is exactly one list.
/// </summary>
public static class SettingKeys
{
    /// <summary>The project config namespace; keys in any other namespace (except <c>aws:region</c>) are ignored.</summary>
    public const string Namespace = "convex-infra";

    private static SettingKey Key(string name, string description, string example, SettingShape shape = SettingShape.Scalar) =>
        new(Namespace, name, shape, description, example);

    public static readonly SettingKey Target = Key("target", "Where Convex runs: aws-ec2, aws-ecs or local (required).", "aws-ec2");
    public static readonly SettingKey Tier = Key("tier", "dev, staging or prod; sets the defaults (default: the stack name if it is one of those, else dev).", "prod");
    public static readonly SettingKey InstanceName = Key("instanceName", "Convex instance name; names the database and the S3 prefix, never change it (required).", "acme-prod");
    public static readonly SettingKey ImageRevision = Key("imageRevision", "40-character git SHA of the backend and dashboard images (required).", "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf");
    public static readonly SettingKey Region = new("aws", "region", SettingShape.Scalar, "AWS region (required for aws-ec2 and aws-ecs).", "eu-west-1");

    public static readonly SettingKey Domain = Key("domain", "DNS name under which api., site. and dashboard. hostnames are made (required on AWS).", "convex.example.com");
    public static readonly SettingKey ApiHostname = Key("apiHostname", "Hostname of the API (default api.<domain>).", "api.convex.example.com");
    public static readonly SettingKey SiteHostname = Key("siteHostname", "Hostname of HTTP actions (default site.<domain>).", "site.convex.example.com");
    public static readonly SettingKey DashboardHostname = Key("dashboardHostname", "Hostname of the dashboard (default dashboard.<domain>).", "dashboard.convex.example.com");
    public static readonly SettingKey HostedZoneId = Key("hostedZoneId", "Route 53 hosted zone that gets the three records; without it they are listed as an output.", "Z0123456789ABCDEFGHIJ");
    public static readonly SettingKey AcmeEmail = Key("acmeEmail", "E-mail address Caddy gives Let's Encrypt for certificate notices.", "ops@example.com");

    public static readonly SettingKey InstanceType = Key("instanceType", "EC2 instance type; Graviton (arm64) only.", "t4g.medium");
    public static readonly SettingKey RootVolumeGb = Key("rootVolumeGb", "EC2 root volume size in GiB (8..16384).", "30");
    public static readonly SettingKey FargateCpu = Key("fargateCpu", "Fargate task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384.", "2048");
    public static readonly SettingKey FargateMemoryMb = Key("fargateMemoryMb", "Fargate task memory in MiB; must be valid for fargateCpu.", "4096");
    public static readonly SettingKey FargateEphemeralStorageGb = Key("fargateEphemeralStorageGb", "Fargate ephemeral storage in GiB (21..200).", "30");
    public static readonly SettingKey EcsSubnets = Key("ecsSubnets", "Where ECS tasks run: public (public IP, no NAT) or private (behind a NAT gateway).", "private");

    public static readonly SettingKey Database = Key("database", "postgres or sqlite; sqlite only for target local, AWS always uses postgres.", "postgres");
    public static readonly SettingKey DbInstanceClass = Key("dbInstanceClass", "RDS instance class.", "db.t4g.medium");
    public static readonly SettingKey DbAllocatedStorageGb = Key("dbAllocatedStorageGb", "RDS storage in GiB (20..65536).", "50");
    public static readonly SettingKey DbMaxAllocatedStorageGb = Key("dbMaxAllocatedStorageGb", "RDS storage autoscaling ceiling in GiB (at least dbAllocatedStorageGb).", "500");
    public static readonly SettingKey DbMultiAz = Key("dbMultiAz", "Run RDS Multi-AZ (true/false).", "true");
    public static readonly SettingKey DbEngineVersion = Key("dbEngineVersion", "PostgreSQL version, major or major.minor (default 17).", "17");
    public static readonly SettingKey BackupRetentionDays = Key("backupRetentionDays", "Days RDS keeps automated backups (0..35; prod needs at least 7).", "14");

    public static readonly SettingKey VpcCidr = Key("vpcCidr", "IPv4 CIDR of the VPC, /16 to /24, in a private range.", "10.40.0.0/16");
    public static readonly SettingKey AvailabilityZones = Key("availabilityZones", "Number of availability zones to spread subnets over (2 or 3).", "2");
    public static readonly SettingKey ExistingVpcId = Key("existingVpcId", "Deploy into this existing VPC instead of creating one (needs publicSubnetIds and privateSubnetIds).", "vpc-0a1b2c3d4e5f67890");
    public static readonly SettingKey PublicSubnetIds = Key("publicSubnetIds", "Public subnets of existingVpcId (a route to an internet gateway): the host, the load balancer and export tasks.", "[\"subnet-0a1b2c3d4e5f67890\", \"subnet-0b1c2d3e4f5a67890\"]", SettingShape.List);
    public static readonly SettingKey PrivateSubnetIds = Key("privateSubnetIds", "Private subnets of existingVpcId in at least two zones: the database (and private ECS tasks).", "[\"subnet-0c1d2e3f4a5b67890\", \"subnet-0d1e2f3a4b5c67890\"]", SettingShape.List);
    public static readonly SettingKey HttpAllowedCidrs = Key("httpAllowedCidrs", "IPv4 CIDRs allowed to reach ports 80/443.", "[\"0.0.0.0/0\"]", SettingShape.List);
    public static readonly SettingKey SshAllowedCidrs = Key("sshAllowedCidrs", "IPv4 CIDRs allowed to SSH to the EC2 host; never 0.0.0.0/0 (default none).", "[\"203.0.113.0/24\"]", SettingShape.List);
    public static readonly SettingKey DashboardAllowedCidrs = Key("dashboardAllowedCidrs", "IPv4 CIDRs allowed to open the dashboard (default: httpAllowedCidrs).", "[\"198.51.100.0/24\"]", SettingShape.List);

    public static readonly SettingKey AlarmEmail = Key("alarmEmail", "E-mail address subscribed to the CloudWatch alarms.", "oncall@example.com");
    public static readonly SettingKey AlarmTopicArn = Key("alarmTopicArn", "An existing SNS topic (same region) that the alarms notify as well as the stack's own topic.", "arn:aws:sns:eu-west-1:123456789012:oncall");
    public static readonly SettingKey LogRetentionDays = Key("logRetentionDays", "CloudWatch log retention in days (a value CloudWatch allows, 0 = never expire).", "90");
    public static readonly SettingKey DocumentRetentionDelaySeconds = Key("documentRetentionDelaySeconds", "DOCUMENT_RETENTION_DELAY: seconds old document revisions are kept (default 172800).", "172800");
    public static readonly SettingKey BackendTuning = Key("backendTuning", "Backend knobs: concurrency per function kind, action and HTTP timeouts (docs/tuning.md; defaults grow with the host's memory).", "{ maxConcurrentQueries: 32, httpServerTimeoutSeconds: 600 }", SettingShape.Map);
    public static readonly SettingKey RustLog = Key("rustLog", "RUST_LOG filter for the backend (default info).", "info");
    public static readonly SettingKey DisableBeacon = Key("disableBeacon", "Stop the backend's anonymous usage beacon (default false).", "true");
    public static readonly SettingKey RedactLogsToClient = Key("redactLogsToClient", "Keep function logs and stack traces away from clients (default: true for prod).", "true");
    public static readonly SettingKey ProtectData = Key("protectData", "Deletion protection, final snapshot, retained buckets (default: true except dev).", "true");

    public static readonly SettingKey InstanceSecretVersion = Key("instanceSecretVersion", "Rotation counter: bump to replace the instance secret (revokes every admin key).", "1");
    public static readonly SettingKey AdminKeyVersion = Key("adminKeyVersion", "Rotation counter: bump to issue a new admin key.", "1");

    public static readonly SettingKey LocalApiPort = Key("localApiPort", "Loopback port of the API for target local (default 3210).", "3210");
    public static readonly SettingKey LocalSitePort = Key("localSitePort", "Loopback port of HTTP actions for target local (default 3211).", "3211");
    public static readonly SettingKey LocalDashboardPort = Key("localDashboardPort", "Loopback port of the dashboard for target local (default 6791).", "6791");
    public static readonly SettingKey LocalBackupDir = Key("localBackupDir", "local: absolute host folder for scheduled exports (convex export --include-file-storage) and their variables; set it or localBackupBucket to turn them on.", "/var/backups/convex-local");
    public static readonly SettingKey LocalBackupIntervalHours = Key("localBackupIntervalHours", "local: with localBackupDir or localBackupBucket, hours between two scheduled exports (1..168, default 24).", "24");
    public static readonly SettingKey LocalBackupRetentionDays = Key("localBackupRetentionDays", "local: with localBackupDir or localBackupBucket, days a scheduled export (and its variables) is kept before it is deleted (1..365, default 7).", "7");
    public static readonly SettingKey LocalBackupBucket = Key("localBackupBucket", "local: an S3-compatible bucket that also gets each scheduled export and its variables: endpoint (https, or http on a private address or with allowHttp: true), bucket, region (default us-east-1), prefix, pathStyle (docs/local.md).", "{ endpoint: \"https://s3.example.com\", bucket: convex-backups, prefix: local/, pathStyle: true }", SettingShape.Map);
    public static readonly SettingKey LocalBackupBucketAccessKeyId = Key("localBackupBucketAccessKeyId", "local: access key id for localBackupBucket; must be a Pulumi secret.", "pulumi config set --secret localBackupBucketAccessKeyId <id>");
    public static readonly SettingKey LocalBackupBucketSecretAccessKey = Key("localBackupBucketSecretAccessKey", "local: secret access key for localBackupBucket; must be a Pulumi secret.", "pulumi config set --secret localBackupBucketSecretAccessKey <key>");

    public static readonly SettingKey Tags = Key("tags", "Extra AWS tags, a map of string to string.", "{ cost-center: \"1234\" }", SettingShape.Map);

    public static readonly SettingKey ConvexAuth = Key("convexAuth", "Set up Convex Auth: an RS256 signing key and JWT_PRIVATE_KEY, JWKS, SITE_URL on the deployment (true/false).", "true");
    public static readonly SettingKey ConvexAuthSiteUrl = Key("convexAuthSiteUrl", "SITE_URL for Convex Auth: the app's URL it redirects to (required with convexAuth).", "https://app.example.com");
    public static readonly SettingKey ConvexAuthKeyVersion = Key("convexAuthKeyVersion", "Rotation counter: bump to replace the Convex Auth signing key (signs every user out).", "1");
    public static readonly SettingKey DeploymentEnv = Key("deploymentEnv", "Plain environment variables of the Convex deployment (what npx convex env set sets).", "{ APP_MODE: production }", SettingShape.Map);
    public static readonly SettingKey DeploymentEnvSecrets = Key("deploymentEnvSecrets", "Secret environment variables of the deployment; must be a Pulumi secret.", "pulumi config set --secret --path deploymentEnvSecrets.STRIPE_KEY <value>", SettingShape.Map);
    public static readonly SettingKey DeploymentEnvPrune = Key("deploymentEnvPrune", "Unset deployment variables not listed in config (true/false).", "false");
    public static readonly SettingKey ExportSchedule = Key("exportSchedule", "EventBridge schedule (UTC) of the scheduled convex export backup; default weekly on dev, daily otherwise.", "cron(0 3 * * ? *)");
    public static readonly SettingKey ExportLockMode = Key("exportLockMode", "S3 Object Lock on the exports bucket: none, governance or compliance (default: compliance on prod, governance on staging, none on dev; compliance blocks destroy until the retention ends).", "compliance");
    public static readonly SettingKey ExportLockDays = Key("exportLockDays", "Days each export stays locked against deletion (1..3650, default the tier's export retention: prod 35, staging 14, dev 7).", "35");
    public static readonly SettingKey BackupCopy = Key("backupCopy", "aws: replicate the exports and the RDS automated backups to another region (and optionally account) (default: true on prod, false otherwise; true/false).", "true");
    public static readonly SettingKey BackupCopyRegion = Key("backupCopyRegion", "aws: region of the backup copy; must differ from aws:region (default: the region's pair in docs/dr.md, e.g. eu-west-1 -> eu-central-1).", "eu-central-1");
    public static readonly SettingKey BackupCopyRoleArn = Key("backupCopyRoleArn", "aws: an IAM role in another account that the program assumes to create the copy bucket and key there (docs/dr.md, \"Copy in another account\"); default: the stack's own account.", "arn:aws:iam::444444444444:role/convex-infra-backup-copy");
    public static readonly SettingKey BackupCopyLockMode = Key("backupCopyLockMode", "aws: S3 Object Lock mode of the copy bucket: governance or compliance (default: compliance on prod, governance otherwise).", "compliance");
    public static readonly SettingKey BackupCopyLockDays = Key("backupCopyLockDays", "aws: days each copied export stays locked (1..3650, default the tier's export retention: prod 35, staging 14, dev 7).", "35");
    public static readonly SettingKey DbRestoreTime = Key("dbRestoreTime", "aws: restore the database to this UTC time (RFC 3339, e.g. 2026-12-01T09:30:00Z) or 'latest' as a new RDS instance and move the backend to it (docs/dr.md).", "2026-12-01T09:30:00Z");
    public static readonly SettingKey DbRestoreSnapshot = Key("dbRestoreSnapshot", "aws: restore the database from this RDS snapshot (identifier or ARN) as a new instance and move the backend to it (docs/dr.md).", "rds:acme-prod-2026-12-01-03-10");
    public static readonly SettingKey AllowRevisionDowngrade = Key("allowRevisionDowngrade", "Allow going back to an imageRevision this stack ran before (migrations are forward-only; true/false).", "false");
    public static readonly SettingKey StorageMigrationConfirmed = Key("storageMigrationConfirmed", "aws: set after moving the files of a stack that ran 4d3b0a5 (local storage) as docs/aws.md says; until then pulumi up refuses newer revisions (true/false).", "true");
    public static readonly SettingKey HostReportTimeoutMinutes = Key("hostReportTimeoutMinutes", "aws-ec2: minutes pulumi up waits for the host to report the release it wrote (1..180, default 15).", "15");
    public static readonly SettingKey BackendHealthTimeoutMinutes = Key("backendHealthTimeoutMinutes", "aws-ec2: minutes a new backend has to answer /version, migrations included, before the host rolls back (1..120, default 10).", "10");
    public static readonly SettingKey ExportTimeoutMinutes = Key("exportTimeoutMinutes", "aws-ec2 and aws-ecs: minutes the pre-upgrade export (when imageRevision changes, before the new release reaches the host or the service) may run before the update fails (5..720, default 60).", "60");
    public static readonly SettingKey RolePermissionsBoundary = Key("rolePermissionsBoundary", "aws: IAM policy (name, or ARN) set as the permissions boundary of every role the stack creates; the CI deploy role may create roles only with it (docs/cicd.md).", "convex-infra-boundary-prod");
    public static readonly SettingKey DeployRoles = Key("deployRoles", "aws: IAM roles (name in the stack's account, or ARN) that deploy, preview or refresh the stack besides whoever runs pulumi; only they and the stack's own roles may use the stack's KMS key (docs/security.md).", "[\"convex-infra-github-deploy-prod\", \"convex-infra-github-preview-prod\"]", SettingShape.List);
    public static readonly SettingKey PatchWindow = Key("patchWindow", "aws-ec2: UTC window in which the host installs security updates, a day or 'daily' then HH:MM (default: daily 04:00, prod Sun 04:00).", "Sun 03:00");

    /// <summary>Every key, in the order of the docs table.</summary>
    public static IReadOnlyList<SettingKey> All { get; } =
    [
        Target, Tier, InstanceName, ImageRevision, Region,
        Domain, ApiHostname, SiteHostname, DashboardHostname, HostedZoneId, AcmeEmail,
        InstanceType, RootVolumeGb, FargateCpu, FargateMemoryMb, FargateEphemeralStorageGb, EcsSubnets,
        Database, DbInstanceClass, DbAllocatedStorageGb, DbMaxAllocatedStorageGb, DbMultiAz, DbEngineVersion, BackupRetentionDays,
        VpcCidr, AvailabilityZones, ExistingVpcId, PublicSubnetIds, PrivateSubnetIds, HttpAllowedCidrs, SshAllowedCidrs, DashboardAllowedCidrs,
        AlarmEmail, AlarmTopicArn, LogRetentionDays, DocumentRetentionDelaySeconds, BackendTuning, RustLog, DisableBeacon, RedactLogsToClient, ProtectData,
        InstanceSecretVersion, AdminKeyVersion,
        LocalApiPort, LocalSitePort, LocalDashboardPort, LocalBackupDir, LocalBackupIntervalHours, LocalBackupRetentionDays, LocalBackupBucket, LocalBackupBucketAccessKeyId, LocalBackupBucketSecretAccessKey,
        Tags,
        ConvexAuth, ConvexAuthSiteUrl, ConvexAuthKeyVersion, DeploymentEnv, DeploymentEnvSecrets, DeploymentEnvPrune, ExportSchedule, ExportLockMode, ExportLockDays, BackupCopy, BackupCopyRegion, BackupCopyRoleArn, BackupCopyLockMode, BackupCopyLockDays, DbRestoreTime, DbRestoreSnapshot, AllowRevisionDowngrade, StorageMigrationConfirmed,
        HostReportTimeoutMinutes, BackendHealthTimeoutMinutes, ExportTimeoutMinutes, PatchWindow, RolePermissionsBoundary, DeployRoles,
    ];

    /// <summary>The keys in the <c>convex-infra</c> namespace (everything but <c>aws:region</c>).</summary>
    public static IReadOnlyList<SettingKey> Own { get; } = [.. All.Where(key => key.Namespace == Namespace)];

    /// <summary>Keys whose value is expected to be a Pulumi secret; every other key must be plain.</summary>
    public static IReadOnlyList<SettingKey> SecretKeys { get; } = [DeploymentEnvSecrets, LocalBackupBucketAccessKeyId, LocalBackupBucketSecretAccessKey];

    /// <summary>Keys whose value may be an output of another resource when the ConvexDeployment component is used directly.</summary>
    public static IReadOnlyList<SettingKey> DeferrableKeys { get; } = [ExistingVpcId, PublicSubnetIds, PrivateSubnetIds, HostedZoneId, AlarmTopicArn];

    public static SettingKey? Find(string fullName) => All.FirstOrDefault(key => key.FullName == fullName);
}
