using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ModelPack.Core.Spec;

/// <summary>
/// The ModelPack config JSON schema itself (model-spec schema/config-schema.json, draft 2020-12; the repository's
/// copy in tests/spec is embedded), evaluated here over the keywords it uses: <c>type</c>, <c>enum</c>,
/// <c>properties</c>, <c>required</c>, <c>additionalProperties</c>, <c>items</c>, <c>minLength</c>,
/// <c>minItems</c>, <c>pattern</c>, <c>format: date-time</c> and local <c>$ref</c>. Loading refuses a schema that
/// uses anything else, so a new spec schema cannot be checked only in part.
/// Why not a JSON-schema library: JsonSchema.Net (8.0.5, tried) costs 0.1-0.2 s of CPU at its first use in every
/// process (its module initializer builds every draft's meta-schema, then JIT), a measurable share of a pull; it
/// runs <c>pattern</c> as a .NET regular expression (ECMA-262's final <c>$</c> is the end of the string, .NET's
/// also matches before a final newline), and it reports subschemas reached through <c>$ref</c> at wrong schema
/// locations, which the messages below are worded from. Each failure is a <see cref="SpecViolation"/> at the JSON
/// path of the value it is about: <c>required</c> names each missing property at its own path,
/// <c>additionalProperties: false</c> lists the allowed names, and a value of the wrong type is one violation (not
/// also an enum or pattern one).
/// </summary>
internal static class ConfigSchema
{
    private const string ResourceName = "ModelPack.Core.Spec.config-schema.json";

    private static readonly HashSet<string> Implemented = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$defs", "$ref", "title", "description",
        "type", "enum", "properties", "required", "additionalProperties", "items", "minLength", "minItems", "pattern", "format",
    };

    private static readonly Lazy<JsonDocument> Loaded = new(Load);

    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>Adds a violation for every keyword of the schema that <paramref name="config"/> fails.</summary>
    public static void Validate(JsonElement config, List<SpecViolation> violations)
    {
        var root = Loaded.Value.RootElement;
        Evaluate(root, root, config, JsonPath.Root, violations);
    }

    /// <summary>Throws when <paramref name="schema"/> uses a keyword, <c>$ref</c>, enum value or format this evaluator does not implement.</summary>
    internal static void EnsureImplemented(JsonElement schema, string at = "#")
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw Unsupported(at, "a schema that is not an object or a boolean");
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            var here = at + "/" + keyword.Name;
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case var name when !Implemented.Contains(name):
                    throw Unsupported(here, "the keyword '" + name + "'");
                case "$ref" when !(value.GetString() ?? string.Empty).StartsWith("#/", StringComparison.Ordinal):
                    throw Unsupported(here, "a reference outside this document");
                case "format" when value.GetString() != "date-time":
                    throw Unsupported(here, "the format '" + value.GetString() + "'");
                case "enum" when value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String):
                    throw Unsupported(here, "an enum value that is not a string");
                case "properties" or "$defs":
                    foreach (var sub in value.EnumerateObject())
                    {
                        EnsureImplemented(sub.Value, here + "/" + sub.Name);
                    }

                    break;
                case "items" or "additionalProperties":
                    EnsureImplemented(value, here);
                    break;
            }
        }
    }

    private static void Evaluate(JsonElement root, JsonElement schema, JsonElement value, string path, List<SpecViolation> violations)
    {
        schema = Resolve(root, schema);
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return; // true; false is reported by the object that owns it (it knows the allowed names)
        }

        if (schema.TryGetProperty("type", out var type) && !HasType(value, type))
        {
            violations.Add(new SpecViolation(path, $"must be {Expected(schema)}, got {DisplayText.Describe(value)}"));
            return;
        }

        if (schema.TryGetProperty("enum", out var choices) && !choices.EnumerateArray().Any(c => value.ValueKind == JsonValueKind.String && c.GetString() == value.GetString()))
        {
            violations.Add(new SpecViolation(path, $"must be one of {Choices(schema)}, got {DisplayText.Describe(value)}"));
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                CheckString(schema, value.GetString()!, value, path, violations);
                break;
            case JsonValueKind.Array:
                CheckArray(root, schema, value, path, violations);
                break;
            case JsonValueKind.Object:
                CheckObject(root, schema, value, path, violations);
                break;
        }
    }

    private static void CheckString(JsonElement schema, string text, JsonElement value, string path, List<SpecViolation> violations)
    {
        if (schema.TryGetProperty("minLength", out var minLength) && CodePoints(text) < minLength.GetInt32())
        {
            var length = minLength.GetInt32();
            violations.Add(new SpecViolation(path, $"must be at least {length} character{(length == 1 ? string.Empty : "s")} long, got {DisplayText.Describe(value)}"));
        }

        if (schema.TryGetProperty("pattern", out var pattern) && !Patterns.GetOrAdd(pattern.GetString()!, EcmaRegex).IsMatch(text))
        {
            violations.Add(new SpecViolation(path, $"must match the pattern {pattern.GetString()}, got {DisplayText.Describe(value)}"));
        }

        if (schema.TryGetProperty("format", out _) && !Rfc3339.IsValid(text))
        {
            violations.Add(new SpecViolation(path, $"must be an RFC 3339 date-time such as 2025-01-01T00:00:00Z, got {DisplayText.Describe(value)}"));
        }
    }

    private static void CheckArray(JsonElement root, JsonElement schema, JsonElement value, string path, List<SpecViolation> violations)
    {
        if (schema.TryGetProperty("minItems", out var minItems) && value.GetArrayLength() < minItems.GetInt32())
        {
            var items = minItems.GetInt32();
            violations.Add(new SpecViolation(path, $"must have at least {items} item{(items == 1 ? string.Empty : "s")}, has {value.GetArrayLength()}"));
        }

        if (schema.TryGetProperty("items", out var itemSchema))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Evaluate(root, itemSchema, item, JsonPath.Index(path, index++), violations);
            }
        }
    }

    private static void CheckObject(JsonElement root, JsonElement schema, JsonElement value, string path, List<SpecViolation> violations)
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(n => n.GetString()!).Where(n => !value.TryGetProperty(n, out _)))
            {
                violations.Add(new SpecViolation(JsonPath.Property(path, name), "is required"));
            }
        }

        var hasProperties = schema.TryGetProperty("properties", out var properties);
        var hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var property in value.EnumerateObject())
        {
            var at = JsonPath.Property(path, property.Name);
            if (hasProperties && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Evaluate(root, propertySchema, property.Value, at, violations);
            }
            else if (hasAdditional && Resolve(root, additional).ValueKind == JsonValueKind.False)
            {
                var allowed = hasProperties ? string.Join(", ", properties.EnumerateObject().Select(p => p.Name)) : string.Empty;
                violations.Add(new SpecViolation(at, $"is not an allowed property (allowed: {allowed})"));
            }
            else if (hasAdditional)
            {
                Evaluate(root, additional, property.Value, at, violations);
            }
        }
    }

    private static bool HasType(JsonElement value, JsonElement type) =>
        type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Any(t => HasType(value, t.GetString()!)) : HasType(value, type.GetString()!);

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number == decimal.Truncate(number),
        _ => throw Unsupported("type", "the type '" + type + "'"),
    };

    // JSON Schema counts a string's length in Unicode code points, not UTF-16 units.
    private static int CodePoints(string text) => text.Length - text.Count(char.IsLowSurrogate);

    // ECMA-262's final '$' is the end of the string; .NET's also matches before a final '\n' ("en\n" would pass "^[a-z]{2}$").
    private static Regex EcmaRegex(string pattern)
    {
        var endAnchored = pattern.EndsWith("$", StringComparison.Ordinal) && !pattern.EndsWith("\\$", StringComparison.Ordinal);
        var expression = endAnchored ? pattern.Substring(0, pattern.Length - 1) + "\\z" : pattern;
        try
        {
            return new Regex(expression, RegexOptions.CultureInvariant | RegexOptions.ECMAScript, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            // A construct .NET's ECMAScript mode lacks (\p{...}, look-behind): .NET's own reading of it.
            return new Regex(expression, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
    }

    private static string Expected(JsonElement schema)
    {
        if (schema.TryGetProperty("enum", out _))
        {
            return "one of the strings " + Choices(schema);
        }

        var types = schema.GetProperty("type");
        var names = types.ValueKind == JsonValueKind.Array ? types.EnumerateArray().Select(t => t.GetString()!) : new[] { types.GetString()! };
        return string.Join(" or ", names.Select(t => t switch
        {
            "object" => "an object",
            "array" => "an array",
            "string" => "a string",
            "boolean" => "true or false",
            "integer" => "an integer",
            "number" => "a number",
            _ => t,
        }));
    }

    private static string Choices(JsonElement schema) =>
        string.Join(", ", schema.GetProperty("enum").EnumerateArray().Select(e => "'" + e.GetString() + "'"));

    private static JsonElement Resolve(JsonElement root, JsonElement schema)
    {
        for (var hops = 0; schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference); hops++)
        {
            if (hops == 16)
            {
                throw Unsupported(reference.GetString()!, "a chain of more than 16 references");
            }

            var target = root;
            foreach (var segment in reference.GetString()!.Substring(2).Split('/').Select(s => Uri.UnescapeDataString(s).Replace("~1", "/").Replace("~0", "~")))
            {
                if (target.ValueKind != JsonValueKind.Object || !target.TryGetProperty(segment, out target))
                {
                    throw Unsupported(reference.GetString()!, "a reference to nothing");
                }
            }

            schema = target;
        }

        return schema;
    }

    private static InvalidOperationException Unsupported(string at, string what) =>
        new($"The config schema {ResourceName} uses {what} at {at}, which ModelPack's schema evaluation does not implement.");

    private static JsonDocument Load()
    {
        using var stream = typeof(ConfigSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("The config schema resource " + ResourceName + " is missing from ModelPack.Core.");
        var document = JsonDocument.Parse(stream);
        EnsureImplemented(document.RootElement);
        return document;
    }
}
