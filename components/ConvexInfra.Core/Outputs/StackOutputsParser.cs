using System.Text.Json;

namespace ConvexInfra.Core.Outputs;

/// <summary>Reads the JSON of <c>pulumi stack output --json --show-secrets</c> into <see cref="StackOutputs"/>.</summary>
public static class StackOutputsParser
{
    /// <summary>What <c>pulumi stack output --json</c> prints for a secret without <c>--show-secrets</c>.</summary>
    public const string RedactedSecret = "[secret]";

    private const string ShowSecretsHint = "export the outputs with: pulumi stack output --json --show-secrets";

    /// <summary>Parses and validates; throws <see cref="StackOutputsException"/> listing every problem.</summary>
    public static StackOutputs Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}" : string.Empty;
            throw new StackOutputsException([
                $"the stack outputs are not valid JSON{where}: {FirstSentence(e.Message)} Expected a JSON object such as " +
                "{\"apiUrl\": \"https://api.convex.example.com\", …}; " + ShowSecretsHint]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new StackOutputsException([
                    $"the stack outputs must be a JSON object of output names to values, got {Describe(root)}; " + ShowSecretsHint]);
            }

            var errors = new List<string>();
            if (!root.EnumerateObject().Any())
            {
                throw new StackOutputsException([
                    "the stack outputs are an empty object {}: the stack has no outputs yet. Run 'pulumi up' on the stack first, then " + ShowSecretsHint]);
            }

            var apiUrl = ReadUrl(root, StackOutputNames.ApiUrl, "https://api.convex.example.com", errors);
            var siteUrl = ReadUrl(root, StackOutputNames.SiteUrl, "https://site.convex.example.com", errors);
            var dashboardUrl = ReadUrl(root, StackOutputNames.DashboardUrl, "https://dashboard.convex.example.com", errors);
            var instanceName = ReadInstanceName(root, errors);
            var adminKey = ReadAdminKey(root, errors);
            var stack = ReadOptionalString(root, StackOutputNames.Stack, "prod", errors);
            var target = ReadOptionalString(root, StackOutputNames.Target, "aws-ec2", errors);
            var tier = ReadOptionalString(root, StackOutputNames.Tier, "prod", errors);
            var region = ReadOptionalString(root, StackOutputNames.Region, "eu-west-1", errors);
            var imageRevision = ReadOptionalString(root, StackOutputNames.ImageRevision, "a 40-character git SHA", errors);

            if (errors.Count > 0)
            {
                throw new StackOutputsException(errors);
            }

            return new StackOutputs(apiUrl!, siteUrl!, dashboardUrl!, instanceName!, adminKey)
            {
                Stack = stack,
                Target = target,
                Tier = tier,
                Region = region,
                ImageRevision = imageRevision,
            };
        }
    }

    private static Uri? ReadUrl(JsonElement root, string name, string example, List<string> errors)
    {
        var text = ReadRequiredString(root, name, $"\"{example}\"", errors);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(url.Host))
        {
            errors.Add($"'{name}' must be an absolute http(s) URL, got \"{text}\"; e.g. \"{example}\"");
            return null;
        }

        if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || !string.IsNullOrEmpty(url.UserInfo))
        {
            errors.Add($"'{name}' must be a plain origin URL without user info, query or fragment, got \"{text}\"; e.g. \"{example}\"");
            return null;
        }

        return url;
    }

    private static string? ReadInstanceName(JsonElement root, List<string> errors)
    {
        var name = ReadRequiredString(root, StackOutputNames.InstanceName, "\"convex-prod\"", errors);
        if (name is not null && (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == '|')))
        {
            errors.Add($"'{StackOutputNames.InstanceName}' must be a non-empty name without spaces or '|', got \"{name}\"; e.g. \"convex-prod\"");
            return null;
        }

        return name;
    }

    private static AdminKeyValue ReadAdminKey(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty(StackOutputNames.AdminKey, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return AdminKeyValue.Missing;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            errors.Add($"'{StackOutputNames.AdminKey}' must be a string, got {Describe(element)}; e.g. \"convex-prod|01ab…\"");
            return AdminKeyValue.Missing;
        }

        var key = element.GetString()!;
        if (key == RedactedSecret)
        {
            return AdminKeyValue.Redacted;
        }

        // Never echo the value: it is a secret even when malformed.
        if (key.Length == 0 || key.Any(char.IsWhiteSpace))
        {
            errors.Add($"'{StackOutputNames.AdminKey}' must be a non-empty key without whitespace (value not shown: it is a secret); e.g. \"convex-prod|01ab…\"");
            return AdminKeyValue.Missing;
        }

        return AdminKeyValue.Present(key);
    }

    private static string? ReadRequiredString(JsonElement root, string name, string example, List<string> errors)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            errors.Add($"'{name}' is missing; expected a string, e.g. {example}. Is this the output of a ConvexInfra stack?");
            return null;
        }

        return ReadString(element, name, example, errors);
    }

    private static string? ReadOptionalString(JsonElement root, string name, string example, List<string> errors) =>
        root.TryGetProperty(name, out var element) && element.ValueKind != JsonValueKind.Null
            ? ReadString(element, name, example, errors)
            : null;

    private static string? ReadString(JsonElement element, string name, string example, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            errors.Add($"'{name}' must be a string, got {Describe(element)}; e.g. {example}");
            return null;
        }

        var text = element.GetString()!;
        if (text == RedactedSecret)
        {
            errors.Add($"'{name}' is \"[secret]\": {ShowSecretsHint}");
            return null;
        }

        return text;
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        JsonValueKind.String => $"the string {element.GetRawText()}",
        _ => "null",
    };

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
