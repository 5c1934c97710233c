using System.Text;
using System.Text.Json;

namespace ConvexInfra.Core.Aws;

/// <summary>One condition of a statement, e.g. <c>StringEquals kms:ViaService ssm.us-east-1.amazonaws.com</c>.</summary>
internal sealed record PolicyCondition(string Operator, string Key, string Value)
{
    /// <summary>A condition any of whose values matches (written as a JSON array).</summary>
    public PolicyCondition(string @operator, string key, IReadOnlyList<string> values)
        : this(@operator, key, values is { Count: > 0 } ? values[0] : throw new ArgumentException($"{key}: a condition needs at least one value", nameof(values))) =>
        Values = values;

    /// <summary>Every value when there are several; null for a single <see cref="Value"/>.</summary>
    public IReadOnlyList<string>? Values { get; }
}

/// <summary>
/// One IAM statement. A principal is a service (<see cref="ServicePrincipal"/>), IAM principals by ARN
/// (<see cref="AwsPrincipals"/>, key policies) or everyone (<see cref="AnyPrincipal"/>, only for Deny statements in
/// bucket policies); identity policies have none.
/// </summary>
internal sealed record PolicyStatement(
    string Sid,
    string Effect,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Resources,
    string? ServicePrincipal = null,
    bool AnyPrincipal = false,
    IReadOnlyList<PolicyCondition>? Conditions = null,
    IReadOnlyList<string>? AwsPrincipals = null);

/// <summary>Writes IAM policy JSON with a fixed key order, so equal inputs give byte-equal documents.</summary>
internal static class PolicyDocument
{
    public const string Version = "2012-10-17";

    public static string Render(IEnumerable<PolicyStatement> statements)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("Version", Version);
            json.WriteStartArray("Statement");
            foreach (var statement in statements)
            {
                WriteStatement(json, statement);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteStatement(Utf8JsonWriter json, PolicyStatement statement)
    {
        json.WriteStartObject();
        json.WriteString("Sid", statement.Sid);
        json.WriteString("Effect", statement.Effect);
        if (statement.AnyPrincipal)
        {
            json.WriteString("Principal", "*");
        }
        else if (statement.ServicePrincipal is { } service)
        {
            json.WriteStartObject("Principal");
            json.WriteString("Service", service);
            json.WriteEndObject();
        }
        else if (statement.AwsPrincipals is { Count: > 0 } principals)
        {
            json.WriteStartObject("Principal");
            WriteList(json, "AWS", principals);
            json.WriteEndObject();
        }

        WriteList(json, "Action", statement.Actions);
        if (statement.Resources.Count > 0)
        {
            WriteList(json, "Resource", statement.Resources);
        }

        if (statement.Conditions is { Count: > 0 } conditions)
        {
            json.WriteStartObject("Condition");
            foreach (var byOperator in conditions.GroupBy(condition => condition.Operator, StringComparer.Ordinal))
            {
                json.WriteStartObject(byOperator.Key);
                foreach (var condition in byOperator)
                {
                    if (condition.Values is { } values)
                    {
                        WriteList(json, condition.Key, values);
                    }
                    else
                    {
                        json.WriteString(condition.Key, condition.Value);
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
