namespace ConvexInfra.Core.Tests.Tools;

/// <summary>
/// How SSM GetParameter and the AWS CLI behave where convex-release relies on it, as data the fake <c>aws</c>
/// and the tests read. Source: boto/botocore (the AWS CLI's service model and error formatting), commit
/// 0e6e2404b85dc336dd2889814e089bde7d1a4c55.
/// </summary>
public static class SsmFacts
{
    /// <summary>
    /// botocore/data/ssm/2014-11-06/service-2.json:9195-9201 (GetParameterRequest.Name): "To query by parameter
    /// version, use "Name": "name:version"".
    /// </summary>
    public const char VersionSelector = ':';

    /// <summary>
    /// service-2.json:1324-1337 (GetParameter errors) and :14466-14472 ("The specified parameter version wasn't
    /// found").
    /// </summary>
    public const string VersionNotFound = "ParameterVersionNotFound";

    /// <summary>service-2.json:1324-1337: the error for a name that does not exist.</summary>
    public const string NotFound = "ParameterNotFound";

    /// <summary>botocore/exceptions.py:524-527 (ClientError.MSG_TEMPLATE): how the CLI prints a service error on stderr.</summary>
    public static string CliError(string code, string message) =>
        $"An error occurred ({code}) when calling the GetParameter operation: {message}";

    /// <summary>
    /// service-2.json, shape Parameter (:14133-14141): <c>Value</c> (string) and <c>Version</c> (long) are what
    /// <c>--query Parameter --output json</c> prints besides the name.
    /// </summary>
    public const string ValueField = "Value";

    public const string VersionField = "Version";
}
