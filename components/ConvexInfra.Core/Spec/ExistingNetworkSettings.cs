namespace ConvexInfra.Core.Spec;

/// <summary>
/// Reads <c>existingVpcId</c>, <c>publicSubnetIds</c>, <c>privateSubnetIds</c> and <c>alarmTopicArn</c>: values that
/// may also be outputs of other resources (deferred) when the component is used directly. Known values are checked
/// here; deferred ones count as present and are checked by the component once known.
/// </summary>
internal static class ExistingNetworkSettings
{
    public static ExistingNetworkSpec? Read(ReadContext context)
    {
        var values = context.Values;
        var hasVpc = values.Has(SettingKeys.ExistingVpcId);
        var hasPublic = values.Has(SettingKeys.PublicSubnetIds);
        var hasPrivate = values.Has(SettingKeys.PrivateSubnetIds);
        if (!hasVpc && !hasPublic && !hasPrivate)
        {
            return null;
        }

        if (context.Target is { } target && !target.IsAws())
        {
            foreach (var key in new[] { SettingKeys.ExistingVpcId, SettingKeys.PublicSubnetIds, SettingKeys.PrivateSubnetIds }.Where(values.Has))
            {
                values.FailValue(key, $"nothing for target {target.ConfigName()}: only aws-ec2 and aws-ecs run in a VPC");
            }

            return null;
        }

        if (!hasVpc)
        {
            foreach (var key in new[] { SettingKeys.PublicSubnetIds, SettingKeys.PrivateSubnetIds }.Where(values.Has))
            {
                values.FailValue(key, "subnets together with existingVpcId (without it the stack creates its own VPC and subnets)");
            }

            return null;
        }

        if (!hasPublic)
        {
            values.FailMissing(SettingKeys.PublicSubnetIds, "the public subnets of existingVpcId (required with existingVpcId)");
        }

        if (!hasPrivate)
        {
            values.FailMissing(SettingKeys.PrivateSubnetIds, "the private subnets of existingVpcId in at least two zones (required with existingVpcId)");
        }

        foreach (var key in new[] { SettingKeys.VpcCidr, SettingKeys.AvailabilityZones }.Where(values.Has))
        {
            values.FailValue(key, "nothing when existingVpcId is set: the VPC and its subnets are yours, so remove this key");
        }

        var vpcId = values.IsDeferred(SettingKeys.ExistingVpcId) ? null : values.Text(SettingKeys.ExistingVpcId);
        var publicIds = values.IsDeferred(SettingKeys.PublicSubnetIds) ? null : values.List(SettingKeys.PublicSubnetIds);
        var privateIds = values.IsDeferred(SettingKeys.PrivateSubnetIds) ? null : values.List(SettingKeys.PrivateSubnetIds);
        foreach (var error in ExistingNetworkRules.CheckIds(context.Target ?? DeploymentTarget.AwsEc2, vpcId, publicIds, privateIds))
        {
            values.Fail(SettingKeys.Find(error.Key)!, error.Given, error.Expected);
        }

        return new ExistingNetworkSpec(vpcId, publicIds, privateIds);
    }

    /// <summary><c>alarmTopicArn</c>: an SNS topic ARN; checked here when known, by the component when deferred.</summary>
    public static (bool Has, string? Arn) AlarmTopic(ReadContext context)
    {
        var values = context.Values;
        if (!values.Has(SettingKeys.AlarmTopicArn))
        {
            return (false, null);
        }

        if (context.Target is { } target && !target.IsAws())
        {
            values.FailValue(SettingKeys.AlarmTopicArn, $"nothing for target {target.ConfigName()}: alarms exist only on aws-ec2 and aws-ecs");
            return (false, null);
        }

        return values.IsDeferred(SettingKeys.AlarmTopicArn)
            ? (true, null)
            : (true, values.Text(SettingKeys.AlarmTopicArn, ValueRules.SnsTopicArn));
    }
}
