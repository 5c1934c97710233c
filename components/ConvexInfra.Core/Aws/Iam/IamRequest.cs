namespace ConvexInfra.Core.Aws.Iam;

/// <summary>
/// One call the CI role makes: the IAM action, the ARN it acts on (<c>*</c> for actions without resource-level
/// permissions), the request context the conditions see (<c>aws:RequestedRegion</c>, <c>iam:PassedToService</c>, …),
/// and why it is made (resource or command, and the phase), for the failure message.
/// </summary>
public sealed record IamRequest(string Action, string Resource, IReadOnlyDictionary<string, string> Context, string Why)
{
    public override string ToString() =>
        $"{Action} on {Resource}{(Context.Count == 0 ? "" : " with " + string.Join(", ", Context.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}")))} ({Why})";
}

/// <summary>Which role a set of requests is for.</summary>
public enum IamRole
{
    /// <summary><c>pulumi preview</c> and <c>pulumi refresh --preview-only</c>: reads only.</summary>
    Preview,

    /// <summary><c>pulumi up</c> (and a later destroy): create, read, update, delete, tag, and the runner's commands.</summary>
    Deploy,
}

/// <summary>
/// A resource the program registered, as a mock (or a state file) shows it: its type token, logical name, the id
/// the provider gave it, and its inputs flattened to strings (<c>target.roleArn</c>, <c>environment.REGION</c>).
/// </summary>
public sealed record RegisteredResource(string Type, string LogicalName, string Id, IReadOnlyDictionary<string, string> Inputs)
{
    public string? Input(string key) => Inputs.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
}

/// <summary>An invoke (data source) the program calls, with its arguments flattened like resource inputs.</summary>
public sealed record RegisteredInvoke(string Token, IReadOnlyDictionary<string, string> Arguments);

/// <summary>Where the stack runs and where its state lives, as the CI roles' placeholders name them.</summary>
public sealed record IamTarget(
    string Partition,
    string AccountId,
    string Region,
    string ProjectName,
    string StackName,
    string StateBucket,
    string StateKmsKeyArn);
