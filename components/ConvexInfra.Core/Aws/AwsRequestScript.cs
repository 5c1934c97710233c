namespace ConvexInfra.Core.Aws;

/// <summary>
/// TEMPORARY stand-in for the shared piece landing from branch awsreq (same names and shapes, /tmp/awsreq-interface.md);
/// on merge, main's file replaces this one.
/// </summary>
public static class AwsRequestScript
{
    public const string Variable = "CONVEX_INFRA_AWS_REQUEST";

    public const string DefaultPath = "/tmp/aws-request.mjs";

    public static string Text => "// aws-request.mjs: lands with branch awsreq\n";

    public static string Install(string path = DefaultPath) => $"printf '%s' \"${{{Variable}}}\" > \"{path}\"";
}
