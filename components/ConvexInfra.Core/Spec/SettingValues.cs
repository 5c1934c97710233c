using System.Globalization;
using System.Text.Json;

namespace ConvexInfra.Core.Spec;

/// <summary>
/// Typed access to a <see cref="StackConfig"/> that records a <see cref="ConfigError"/> for every value
/// of the wrong shape instead of stopping at the first, so the user sees all problems at once.
/// A getter returns null both when the key is absent and when it is invalid (the error is then recorded).
/// </summary>
internal sealed class SettingValues(StackConfig config)
{
    public const string NotSet = "nothing (the key is not set)";
    public const string SecretGiven = "a secret value (hidden)";

    private readonly List<ConfigError> errors = [];

    public IReadOnlyList<ConfigError> Errors => errors;

    public bool Has(SettingKey key) => config.Find(key.FullName) is not null;

    /// <summary>Set, but an output of another resource whose value is checked once known (<see cref="ConfigValue.Deferred"/>).</summary>
    public bool IsDeferred(SettingKey key) => config.Find(key.FullName)?.IsDeferred == true;

    public void Fail(SettingKey key, string given, string expected) =>
        errors.Add(new ConfigError(key.FullName, given, expected, key.ExampleLine));

    /// <summary>Records an error about the value the stack gave for <paramref name="key"/>, quoting it.</summary>
    public void FailValue(SettingKey key, string expected) => Fail(key, Describe(key), expected);

    /// <summary>An error about one entry of a map setting, named <c>key.entry</c> (the form of <c>pulumi config set --path</c>).</summary>
    public void FailEntry(SettingKey key, string entry, string given, string expected, string example) =>
        errors.Add(new ConfigError($"{key.FullName}.{entry}", given, expected, example));

    public void FailMissing(SettingKey key, string expected) => Fail(key, NotSet, expected);

    public string Describe(SettingKey key) => config.Find(key.FullName) switch
    {
        null => NotSet,
        { IsSecret: true } => SecretGiven,
        { IsDeferred: true } => "an output of another resource",
        var value => Quote(value.Raw),
    };

    public static string Quote(string raw) => raw.Length > 80 ? $"'{raw[..77]}...'" : $"'{raw}'";

    /// <summary>The plain text of a scalar; a secret or an empty value is an error.</summary>
    public string? Text(SettingKey key, Func<string, string?>? rule = null)
    {
        var value = Plain(key);
        if (value is null)
        {
            return null;
        }

        if (LooksStructured(value))
        {
            FailValue(key, $"a single value, not a list or map ({Purpose(key)})");
            return null;
        }

        if (value.Trim().Length == 0)
        {
            FailValue(key, $"a non-empty value ({Purpose(key)})");
            return null;
        }

        var problem = rule?.Invoke(value);
        if (problem is not null)
        {
            FailValue(key, problem);
            return null;
        }

        return value;
    }

    public int? Int(SettingKey key, int min, int max)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            FailValue(key, $"a whole number from {min} to {max}");
            return null;
        }

        return number;
    }

    public bool? Bool(SettingKey key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var flag))
        {
            return flag;
        }

        FailValue(key, "true or false");
        return null;
    }

    /// <summary>One of <paramref name="choices"/> (the config spelling of each value).</summary>
    public T? Choice<T>(SettingKey key, IReadOnlyDictionary<string, T> choices)
        where T : struct
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (choices.TryGetValue(text, out var choice))
        {
            return choice;
        }

        var hint = choices.ContainsKey(text.ToLowerInvariant()) ? " (use lowercase)" : "";
        FailValue(key, $"one of {string.Join(", ", choices.Keys)}{hint}");
        return null;
    }

    /// <summary>A YAML list of strings (JSON array text in the raw value).</summary>
    public IReadOnlyList<string>? List(SettingKey key)
    {
        var value = Plain(key);
        if (value is null)
        {
            return null;
        }

        const string Expected = "a YAML list of strings (one '- item' per line or [a, b]); a comma-separated string is not accepted";
        if (!TryParseJson(value, JsonValueKind.Array, out var document))
        {
            FailValue(key, Expected);
            return null;
        }

        using (document)
        {
            var items = new List<string>();
            foreach (var element in document!.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    FailValue(key, Expected);
                    return null;
                }

                items.Add(element.GetString()!);
            }

            return items;
        }
    }

    /// <summary>A YAML map of names to scalar values (JSON object text); numbers and booleans become their text.</summary>
    public IReadOnlyDictionary<string, string>? Map(SettingKey key)
    {
        var value = Plain(key);
        if (value is null)
        {
            return null;
        }

        const string Expected = "a YAML map of names to single values (name: value, one per line)";
        if (!TryParseJson(value, JsonValueKind.Object, out var document))
        {
            FailValue(key, Expected);
            return null;
        }

        using (document)
        {
            var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document!.RootElement.EnumerateObject())
            {
                var text = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => null,
                };
                if (text is null)
                {
                    FailValue(key, $"{Expected}; '{property.Name}' holds a list, map or null");
                    return null;
                }

                map[property.Name] = text;
            }

            return map;
        }
    }

    /// <summary>A present value that must be a Pulumi secret; a plain value is an error (it would sit in the stack file in clear).</summary>
    public bool SecretPresent(SettingKey key)
    {
        var value = config.Find(key.FullName);
        if (value is null)
        {
            return false;
        }

        if (!value.IsSecret)
        {
            Fail(key, "a plain (unencrypted) value, not shown", "a Pulumi secret, set with --secret so it is encrypted in the stack file");
            return false;
        }

        return true;
    }

    private string? Plain(SettingKey key)
    {
        var value = config.Find(key.FullName);
        if (value is null)
        {
            return null;
        }

        if (value.IsDeferred)
        {
            if (!SettingKeys.DeferrableKeys.Contains(key))
            {
                Fail(key, "an output of another resource", $"a plain value known before deployment ({Purpose(key)})");
            }

            return null;
        }

        if (value.IsSecret)
        {
            Fail(key, SecretGiven, $"a plain value: {key.Name} is not secret, so set it with pulumi config set without --secret");
            return null;
        }

        return value.Raw;
    }

    private static string Purpose(SettingKey key) => key.Description.TrimEnd('.');

    private static bool LooksStructured(string value)
    {
        var trimmed = value.TrimStart();
        return (trimmed.StartsWith('[') || trimmed.StartsWith('{')) && TryParseJson(trimmed, JsonValueKind.Undefined, out var document) && Dispose(document);
    }

    private static bool Dispose(JsonDocument? document)
    {
        document?.Dispose();
        return true;
    }

    private static bool TryParseJson(string text, JsonValueKind expected, out JsonDocument? document)
    {
        document = null;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return false;
        }

        if (expected != JsonValueKind.Undefined && document.RootElement.ValueKind != expected)
        {
            document.Dispose();
            document = null;
            return false;
        }

        return true;
    }
}
