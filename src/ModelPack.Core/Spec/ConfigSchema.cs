using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace ModelPack.Core.Spec;

/// <summary>
/// The ModelPack config JSON schema itself (model-spec schema/config-schema.json, draft 2020-12; the
/// repository's copy in tests/spec is embedded), evaluated by JsonSchema.Net with format assertion on.
/// Each failed keyword becomes a <see cref="SpecViolation"/> at the JSON path of the value it is about,
/// worded from the schema's own keyword values: <c>required</c> names each missing property at its own
/// path, <c>additionalProperties: false</c> lists the allowed names, and a value of the wrong type for
/// an <c>enum</c> is one violation (not a type and an enum one).
/// The keyword values are looked up by walking the schema along the instance's path (<c>properties</c>,
/// <c>items</c>, <c>additionalProperties</c>, <c>$ref</c>: what this schema uses), not from the results'
/// schema locations: JsonSchema.Net 8.0.5 reports those with a stray last segment for subschemas reached
/// through <c>$ref</c> (<c>#/$defs/ModelDescriptor/additionalProperties/ModelDescriptor</c>).
/// </summary>
internal static class ConfigSchema
{
    private const string ResourceName = "ModelPack.Core.Spec.config-schema.json";

    private static readonly Lazy<(JsonSchema Schema, JsonDocument Document)> Loaded = new(Load);

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private static readonly ConcurrentDictionary<string, Regex> EcmaPatterns = new(StringComparer.Ordinal);

    /// <summary>Adds a violation for every keyword of the schema that <paramref name="config"/> fails.</summary>
    public static void Validate(JsonElement config, List<SpecViolation> violations)
    {
        var (schema, document) = Loaded.Value;
        var results = schema.Evaluate(config, Options);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        if (!results.IsValid)
        {
            Report(results, config, document.RootElement, violations, reported);
        }

        CheckPatternsAsEcmaScript(document.RootElement, config, config, new List<string>(), violations, reported);
    }

    private static void Report(EvaluationResults results, JsonElement config, JsonElement root, List<SpecViolation> violations, HashSet<string> reported)
    {
        foreach (var detail in results.Details ?? new List<EvaluationResults>())
        {
            if (detail.Errors is null || detail.Errors.Count == 0)
            {
                continue;
            }

            var pointer = Segments(detail.InstanceLocation.ToString());
            var value = Navigate(config, pointer);
            var path = ToJsonPath(config, pointer);
            var rules = SubschemaAt(root, pointer);
            // additionalProperties: false fails in the false schema; the names allowed are its owner's.
            var owner = pointer.Count > 0 ? SubschemaAt(root, pointer.Take(pointer.Count - 1)) : null;
            foreach (var keyword in detail.Errors.Keys)
            {
                foreach (var violation in Describe(keyword, rules, owner, value, path))
                {
                    if (reported.Add(violation.Path + "\n" + violation.Message))
                    {
                        violations.Add(violation);
                    }
                }
            }
        }
    }

    private static IEnumerable<SpecViolation> Describe(string keyword, JsonElement? rules, JsonElement? owner, JsonElement? value, string path)
    {
        if (value is not JsonElement actual || rules is not JsonElement schema)
        {
            yield break;
        }

        if (owner is JsonElement parent && schema.ValueKind == JsonValueKind.False)
        {
            var allowed = parent.TryGetProperty("properties", out var properties) ? string.Join(", ", properties.EnumerateObject().Select(p => p.Name)) : string.Empty;
            yield return new SpecViolation(path, $"is not an allowed property (allowed: {allowed})");
            yield break;
        }

        switch (keyword)
        {
            case "required":
                foreach (var name in schema.GetProperty("required").EnumerateArray().Select(n => n.GetString()!))
                {
                    if (actual.ValueKind == JsonValueKind.Object && !actual.TryGetProperty(name, out _))
                    {
                        yield return new SpecViolation(JsonPath.Property(path, name), "is required");
                    }
                }

                break;
            case "type":
                yield return new SpecViolation(path, $"must be {Expected(schema)}, got {DisplayText.Describe(actual)}");
                break;
            case "enum" when IsOfType(actual, schema):
                yield return new SpecViolation(path, $"must be one of {Choices(schema)}, got {DisplayText.Describe(actual)}");
                break;
            case "enum":
                break; // the type violation says it
            case "minLength":
                var length = schema.GetProperty("minLength").GetInt32();
                yield return new SpecViolation(path, $"must be at least {length} character{(length == 1 ? string.Empty : "s")} long, got {DisplayText.Describe(actual)}");
                break;
            case "minItems":
                var items = schema.GetProperty("minItems").GetInt32();
                yield return new SpecViolation(path, $"must have at least {items} item{(items == 1 ? string.Empty : "s")}, has {actual.GetArrayLength()}");
                break;
            case "pattern":
                yield return new SpecViolation(path, $"must match the pattern {schema.GetProperty("pattern").GetString()}, got {DisplayText.Describe(actual)}");
                break;
            case "format":
                yield return new SpecViolation(path, $"must be an RFC 3339 date-time such as 2025-01-01T00:00:00Z, got {DisplayText.Describe(actual)}");
                break;
            default:
                yield return new SpecViolation(path, $"does not satisfy the schema's '{keyword}', got {DisplayText.Describe(actual)}");
                break;
        }
    }

    // JSON Schema's "pattern" is an ECMA-262 regular expression, whose '$' is the end of the string; JsonSchema.Net
    // 8.0.5 runs it as a .NET one, whose '$' also matches before a final '\n' ("en\n" passes "^[a-z]{2}$").
    // Every string is checked again with a final '$' read as '\z'; what the library already reported is not repeated.
    private static void CheckPatternsAsEcmaScript(JsonElement root, JsonElement config, JsonElement value, List<string> pointer, List<SpecViolation> violations, HashSet<string> reported)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    pointer.Add(property.Name);
                    CheckPatternsAsEcmaScript(root, config, property.Value, pointer, violations, reported);
                    pointer.RemoveAt(pointer.Count - 1);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    pointer.Add((index++).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    CheckPatternsAsEcmaScript(root, config, item, pointer, violations, reported);
                    pointer.RemoveAt(pointer.Count - 1);
                }

                break;
            case JsonValueKind.String:
                if (SubschemaAt(root, pointer) is { ValueKind: JsonValueKind.Object } rules &&
                    rules.TryGetProperty("pattern", out var pattern) && pattern.GetString() is string text &&
                    !EcmaPatterns.GetOrAdd(text, EcmaRegex).IsMatch(value.GetString()!))
                {
                    var violation = new SpecViolation(ToJsonPath(config, pointer), $"must match the pattern {text}, got {DisplayText.Describe(value)}");
                    if (reported.Add(violation.Path + "\n" + violation.Message))
                    {
                        violations.Add(violation);
                    }
                }

                break;
        }
    }

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

    private static bool IsOfType(JsonElement value, JsonElement schema) =>
        !schema.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() switch
        {
            "string" => value.ValueKind == JsonValueKind.String,
            _ => true,
        };

    private static string Choices(JsonElement schema) =>
        string.Join(", ", schema.GetProperty("enum").EnumerateArray().Select(e => "'" + e.GetString() + "'"));

    // The subschema that applies to the value at the instance path.
    private static JsonElement? SubschemaAt(JsonElement root, IEnumerable<string> instancePath)
    {
        JsonElement? current = Resolve(root, root);
        foreach (var segment in instancePath)
        {
            if (current is not JsonElement schema || schema.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty(segment, out var property))
            {
                current = Resolve(root, property);
            }
            else if (schema.TryGetProperty("items", out var items) && int.TryParse(segment, out _))
            {
                current = Resolve(root, items);
            }
            else if (schema.TryGetProperty("additionalProperties", out var additional))
            {
                current = Resolve(root, additional);
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    private static JsonElement? Resolve(JsonElement root, JsonElement schema)
    {
        for (var hops = 0; hops < 16 && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference); hops++)
        {
            var target = reference.GetString() ?? string.Empty;
            if (!target.StartsWith("#", StringComparison.Ordinal) || Navigate(root, Segments(Uri.UnescapeDataString(target.Substring(1)))) is not JsonElement resolved)
            {
                return null;
            }

            schema = resolved;
        }

        return schema;
    }

    private static List<string> Segments(string pointer) =>
        pointer.Length == 0 ? new List<string>() : pointer.TrimStart('/').Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToList();

    private static JsonElement? Navigate(JsonElement element, IEnumerable<string> segments)
    {
        foreach (var segment in segments)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(segment, out var child))
            {
                element = child;
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(segment, out var index) && index >= 0 && index < element.GetArrayLength())
            {
                element = element[index];
            }
            else
            {
                return null;
            }
        }

        return element;
    }

    // An array's segments are indexes, an object's names (a property may be called "0").
    private static string ToJsonPath(JsonElement root, IEnumerable<string> segments)
    {
        var path = JsonPath.Root;
        JsonElement? element = root;
        foreach (var segment in segments)
        {
            path = element is { ValueKind: JsonValueKind.Array } && int.TryParse(segment, out var index)
                ? JsonPath.Index(path, index)
                : JsonPath.Property(path, segment);
            element = element is JsonElement e ? Navigate(e, new[] { segment }) : null;
        }

        return path;
    }

    private static (JsonSchema, JsonDocument) Load()
    {
        using var stream = typeof(ConfigSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("The config schema resource " + ResourceName + " is missing from ModelPack.Core.");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return (JsonSchema.FromText(text), JsonDocument.Parse(text));
    }
}
