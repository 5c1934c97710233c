namespace ConvexInfra.Core.Aws.Iam;

/// <summary>
/// The ARN AWS authorizes a registered resource's calls against, from its inputs and id (the formats of the Service
/// Authorization Reference's resource types). Sub-resources (bucket policies, role policies, subscriptions, event
/// targets) are authorized against their parent, so they get the parent's ARN.
/// </summary>
public static class IamArns
{
    public static string Of(RegisteredResource resource, IamTarget target, string region)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(target);
        var p = target.Partition;
        var account = target.AccountId;
        var name = resource.Input("name") ?? resource.Id;
        string Regional(string service, string path) => $"arn:{p}:{service}:{region}:{account}:{path}";

        return resource.Type switch
        {
            "aws:s3/bucket:Bucket" => $"arn:{p}:s3:::{resource.Input("bucket") ?? resource.Id}",
            _ when resource.Type.StartsWith("aws:s3/bucket", StringComparison.Ordinal) => $"arn:{p}:s3:::{resource.Input("bucket") ?? resource.Id}",
            "aws:iam/role:Role" => $"arn:{p}:iam::{account}:role/{name}",
            "aws:iam/instanceProfile:InstanceProfile" => $"arn:{p}:iam::{account}:instance-profile/{name}",
            "aws:iam/rolePolicy:RolePolicy" or "aws:iam/rolePolicyAttachment:RolePolicyAttachment" => $"arn:{p}:iam::{account}:role/{resource.Input("role")}",
            "aws:ssm/parameter:Parameter" => Regional("ssm", $"parameter/{name.TrimStart('/')}"),
            "aws:ssm/document:Document" => Regional("ssm", $"document/{name}"),
            "aws:route53/record:Record" => $"arn:{p}:route53:::hostedzone/{resource.Input("zoneId")}",
            "aws:route53/healthCheck:HealthCheck" => $"arn:{p}:route53:::healthcheck/{resource.Id}",
            "aws:sns/topic:Topic" => Regional("sns", name),
            "aws:sns/topicSubscription:TopicSubscription" => resource.Input("topic") ?? Regional("sns", resource.Id),
            "aws:cloudwatch/logGroup:LogGroup" => Regional("logs", $"log-group:{name}"),
            "aws:cloudwatch/metricAlarm:MetricAlarm" => Regional("cloudwatch", $"alarm:{name}"),
            "aws:cloudwatch/dashboard:Dashboard" => $"arn:{p}:cloudwatch::{account}:dashboard/{resource.Input("dashboardName") ?? resource.Id}",
            "aws:cloudwatch/eventRule:EventRule" => Regional("events", $"rule/{name}"),
            "aws:cloudwatch/eventTarget:EventTarget" => Regional("events", $"rule/{resource.Input("rule")}"),
            "aws:scheduler/schedule:Schedule" => Regional("scheduler", $"schedule/{resource.Input("groupName") ?? "default"}/{name}"),
            "aws:ecs/cluster:Cluster" => resource.Id.StartsWith("arn:", StringComparison.Ordinal) ? resource.Id : Regional("ecs", $"cluster/{name}"),
            "aws:ecs/taskDefinition:TaskDefinition" => Regional("ecs", $"task-definition/{resource.Input("family") ?? resource.Id}:1"),
            "aws:ecs/service:Service" => Regional("ecs", $"service/{Last(resource.Input("cluster"))}/{name}"),
            "aws:acm/certificate:Certificate" => resource.Id.StartsWith("arn:", StringComparison.Ordinal) ? resource.Id : Regional("acm", $"certificate/{resource.Id}"),
            "aws:acm/certificateValidation:CertificateValidation" => resource.Input("certificateArn") ?? Regional("acm", $"certificate/{resource.Id}"),
            "aws:rds/instance:Instance" => Regional("rds", $"db:{resource.Input("identifier") ?? resource.Id}"),
            "aws:rds/subnetGroup:SubnetGroup" => Regional("rds", $"subgrp:{name}"),
            "aws:rds/parameterGroup:ParameterGroup" => Regional("rds", $"pg:{name}"),
            "aws:kms/key:Key" => resource.Id.StartsWith("arn:", StringComparison.Ordinal) ? resource.Id : Regional("kms", $"key/{resource.Id}"),
            "aws:kms/alias:Alias" => Regional("kms", name.StartsWith("alias/", StringComparison.Ordinal) ? name : $"alias/{name}"),
            _ when resource.Id.StartsWith("arn:", StringComparison.Ordinal) => resource.Id,
            _ => Regional(Service(resource.Type), $"{Kind(resource.Type)}/{resource.Id}"),
        };
    }

    private static string Last(string? arnOrName) => arnOrName is null ? "default" : arnOrName[(arnOrName.LastIndexOf('/') + 1)..];

    /// <summary>The IAM service of a type token: <c>aws:lb/…</c> → elasticloadbalancing, <c>aws:vpc/…</c> → ec2.</summary>
    private static string Service(string type)
    {
        var module = type.Split(':')[1].Split('/')[0];
        return module switch
        {
            "lb" => "elasticloadbalancing",
            "vpc" => "ec2",
            _ => module,
        };
    }

    private static string Kind(string type) => type.Split(':')[1].Split('/')[^1].ToLowerInvariant();
}
