using System.Text.Json;

namespace ConvexInfra.Core.Aws.Iam;

/// <summary>What an identity policy says about one request.</summary>
public enum IamDecision
{
    /// <summary>No Allow statement matches: AWS answers AccessDenied.</summary>
    ImplicitDeny,

    /// <summary>An Allow statement matches and no Deny does.</summary>
    Allowed,

    /// <summary>A Deny statement matches: nothing else can allow it.</summary>
    ExplicitDeny,
}

/// <summary>
/// An IAM identity policy as AWS evaluates it for one principal: explicit Deny wins, then any Allow, else denied.
/// Supports what the CI roles use: <c>Action</c>/<c>NotAction</c> with <c>*</c> and <c>?</c> wildcards
/// (case-insensitive), <c>Resource</c>/<c>NotResource</c> ARN patterns (case-sensitive), and the condition operators
/// <c>StringEquals</c>, <c>StringNotEquals</c>, <c>StringLike</c>, <c>StringNotLike</c>, <c>ArnEquals</c>/<c>ArnLike</c>
/// (and their Not forms: each of the six ':'-separated parts matched on its own) <c>Bool</c> and <c>Null</c> (<c>true</c>: the key is absent; a value list is an OR;
/// a key missing from the request fails the positive operators, as in AWS). Any other operator is refused when
/// parsed, so a policy this evaluator cannot judge never passes silently. Resource policies (role trust policies,
/// key policies) keep each statement's <c>Principal</c> (<see cref="IamStatement.Principals"/>); a trust policy has
/// no <c>Resource</c>. <see cref="TrustPolicyEvaluation"/> decides who may assume a role.
/// </summary>
public sealed class IamPolicy
{
    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal)
    {
        "StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Bool", "Null",
    };

    private IamPolicy(IReadOnlyList<IamStatement> statements) => Statements = statements;

    public IReadOnlyList<IamStatement> Statements { get; }

    /// <summary>Parses a policy document (JSON); a statement this evaluator cannot judge is an error naming its Sid.</summary>
    public static IamPolicy Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("Statement", out var statements))
        {
            throw new FormatException("policy: no \"Statement\"; expected {\"Version\": \"2012-10-17\", \"Statement\": [ … ]}");
        }

        var list = statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToList() : [statements];
        return new IamPolicy(list.Select((s, i) => ParseStatement(s, i)).ToList());
    }

    public IamDecision Evaluate(IamRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Statements.Any(s => s.Effect == IamEffect.Deny && s.Matches(request)))
        {
            return IamDecision.ExplicitDeny;
        }

        return Statements.Any(s => s.Effect == IamEffect.Allow && s.Matches(request)) ? IamDecision.Allowed : IamDecision.ImplicitDeny;
    }

    /// <summary>A copy without one action of one statement (the statement goes when it had only that action).</summary>
    public IamPolicy Without(string sid, string action) =>
        new(Statements
            .Select(s => s.Sid == sid ? s with { Actions = s.Actions.Where(a => a != action).ToList() } : s)
            .Where(s => s.Actions.Count > 0 || s.NotActions.Count > 0)
            .ToList());

    private static IamStatement ParseStatement(JsonElement element, int index)
    {
        var sid = element.TryGetProperty("Sid", out var s) ? s.GetString() ?? $"#{index}" : $"#{index}";
        var effect = element.GetProperty("Effect").GetString() switch
        {
            "Allow" => IamEffect.Allow,
            "Deny" => IamEffect.Deny,
            var other => throw new FormatException($"policy statement {sid}: Effect '{other}'; expected Allow or Deny"),
        };
        var conditions = new List<IamCondition>();
        if (element.TryGetProperty("Condition", out var condition))
        {
            foreach (var op in condition.EnumerateObject())
            {
                if (!Operators.Contains(op.Name))
                {
                    throw new FormatException(
                        $"policy statement {sid}: condition operator '{op.Name}' is not one this evaluator knows "
                        + $"({string.Join(", ", Operators.Order(StringComparer.Ordinal))}); extend IamPolicy before using it");
                }

                conditions.AddRange(op.Value.EnumerateObject().Select(key => new IamCondition(op.Name, key.Name, Strings(key.Value))));
            }
        }

        var statement = new IamStatement(
            sid,
            effect,
            Strings(element, "Action"),
            Strings(element, "NotAction"),
            Strings(element, "Resource"),
            Strings(element, "NotResource"),
            conditions)
        {
            Principals = Principals(element, sid),
        };
        // A trust policy names a Principal and no Resource (the resource is the role itself).
        if (statement.Actions.Count + statement.NotActions.Count == 0
            || (statement.Resources.Count + statement.NotResources.Count == 0 && statement.Principals.Count == 0))
        {
            throw new FormatException($"policy statement {sid}: needs an Action (or NotAction) and a Resource (or NotResource)");
        }

        return statement;
    }

    /// <summary>
    /// <c>"Principal": "*"</c> or <c>{"AWS": …}</c> (ARNs or account ids); identity policies have none. Service
    /// principals are kept as <c>service:NAME</c>, so they never match an IAM principal's ARN; web-identity providers
    /// (<c>Federated</c>, a role trust's OIDC provider) as their ARN.
    /// </summary>
    private static List<string> Principals(JsonElement element, string sid)
    {
        if (!element.TryGetProperty("Principal", out var principal))
        {
            return [];
        }

        if (principal.ValueKind == JsonValueKind.String)
        {
            return principal.GetString() == "*"
                ? ["*"]
                : throw new FormatException($"policy statement {sid}: Principal '{principal.GetString()}'; expected \"*\" or an object such as {{\"AWS\": \"arn:aws:iam::123456789012:root\"}}");
        }

        var list = new List<string>();
        foreach (var kind in principal.EnumerateObject())
        {
            list.AddRange(kind.Name switch
            {
                "AWS" or "Federated" => Strings(kind.Value),
                "Service" => Strings(kind.Value).Select(s => $"service:{s}"),
                _ => throw new FormatException($"policy statement {sid}: principal type '{kind.Name}' is not one this evaluator knows (AWS, Federated, Service)"),
            });
        }

        return list;
    }

    private static List<string> Strings(JsonElement parent, string key) =>
        parent.TryGetProperty(key, out var value) ? Strings(value) : [];

    private static List<string> Strings(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? value.EnumerateArray().Select(v => v.GetString()!).ToList()
        : [value.GetString()!];
}

public enum IamEffect
{
    Allow,
    Deny,
}

/// <summary>One condition: <c>{Operator: {Key: [Values…]}}</c>.</summary>
public sealed record IamCondition(string Operator, string Key, IReadOnlyList<string> Values)
{
    public bool Holds(IReadOnlyDictionary<string, string> context)
    {
        if (!context.TryGetValue(Key, out var actual))
        {
            return Operator == "Null"
                ? Values.Contains("true", StringComparer.OrdinalIgnoreCase)
                : Operator.StartsWith("StringNot", StringComparison.Ordinal) || Operator.StartsWith("ArnNot", StringComparison.Ordinal);
        }

        return Operator switch
        {
            "Null" => Values.Contains("false", StringComparer.OrdinalIgnoreCase),
            "ArnEquals" or "ArnLike" => Values.Any(v => ArnMatches(v, actual)),
            "ArnNotEquals" or "ArnNotLike" => !Values.Any(v => ArnMatches(v, actual)),
            "Bool" => Values.Contains(actual, StringComparer.OrdinalIgnoreCase),
            "StringEquals" => Values.Contains(actual, StringComparer.Ordinal),
            "StringNotEquals" => !Values.Contains(actual, StringComparer.Ordinal),
            "StringLike" => Values.Any(v => IamWildcard.Matches(v, actual, ignoreCase: false)),
            "StringNotLike" => !Values.Any(v => IamWildcard.Matches(v, actual, ignoreCase: false)),
            _ => throw new InvalidOperationException($"condition operator {Operator}"),
        };
    }

    /// <summary>ARN operators compare the six ':'-separated parts one by one, each with IAM's wildcards.</summary>
    private static bool ArnMatches(string pattern, string arn)
    {
        var p = pattern.Split(':', 6);
        var a = arn.Split(':', 6);
        return p.Length == 6 && a.Length == 6 && p.Zip(a).All(pair => IamWildcard.Matches(pair.First, pair.Second, ignoreCase: false));
    }
}

/// <summary>One statement of a policy.</summary>
public sealed record IamStatement(
    string Sid,
    IamEffect Effect,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> NotActions,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> NotResources,
    IReadOnlyList<IamCondition> Conditions)
{
    /// <summary>Who a resource-policy statement speaks of (ARNs, account ids, <c>*</c>); empty in identity policies.</summary>
    public IReadOnlyList<string> Principals { get; init; } = [];

    public bool Matches(IamRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var action = Actions.Count > 0
            ? Actions.Any(a => IamWildcard.Matches(a, request.Action, ignoreCase: true))
            : !NotActions.Any(a => IamWildcard.Matches(a, request.Action, ignoreCase: true));
        // A trust policy's statements have neither Resource nor NotResource: they match any resource (the role).
        var resource = Resources.Count > 0
            ? Resources.Any(r => IamWildcard.Matches(r, request.Resource, ignoreCase: false))
            : !NotResources.Any(r => IamWildcard.Matches(r, request.Resource, ignoreCase: false));
        return action && resource && Conditions.All(c => c.Holds(request.Context));
    }
}

/// <summary>IAM's glob: <c>*</c> any run of characters (also across <c>:</c> and <c>/</c>), <c>?</c> one character.</summary>
public static class IamWildcard
{
    public static bool Matches(string pattern, string value, bool ignoreCase)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(value);
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || string.Compare(pattern, p, value, v, 1, comparison) == 0))
            {
                p++;
                v++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
