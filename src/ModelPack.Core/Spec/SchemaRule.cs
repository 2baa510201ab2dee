using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ModelPack.Core.Spec;

/// <summary>
/// The subset of JSON Schema (draft 2020-12) the ModelPack config schema uses, as data: objects with
/// <c>additionalProperties: false</c> and <c>required</c>, arrays with <c>items</c> and <c>minItems</c>,
/// strings with <c>minLength</c>, <c>enum</c>, <c>pattern</c> and <c>format: date-time</c>, booleans.
/// </summary>
internal abstract class SchemaRule
{
    public abstract void Validate(JsonElement value, string path, List<SpecViolation> violations);

    protected static void WrongType(JsonElement value, string path, string expected, List<SpecViolation> violations) =>
        violations.Add(new SpecViolation(path, $"must be {expected}, got {DisplayText.Describe(value)}"));
}

/// <summary><c>type: object</c>, <c>properties</c>, <c>required</c>, <c>additionalProperties: false</c>.</summary>
internal sealed class ObjectRule : SchemaRule
{
    private readonly (string Name, SchemaRule Rule)[] _properties;
    private readonly string[] _required;

    public ObjectRule(string[] required, params (string Name, SchemaRule Rule)[] properties)
    {
        _required = required;
        _properties = properties;
    }

    public ObjectRule(params (string Name, SchemaRule Rule)[] properties)
        : this(Array.Empty<string>(), properties)
    {
    }

    public override void Validate(JsonElement value, string path, List<SpecViolation> violations)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(value, path, "an object", violations);
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            var childPath = JsonPath.Property(path, property.Name);
            var rule = Find(property.Name);
            if (rule is null)
            {
                violations.Add(new SpecViolation(childPath, $"is not an allowed property (allowed: {string.Join(", ", _properties.Select(p => p.Name))})"));
            }
            else
            {
                rule.Validate(property.Value, childPath, violations);
            }
        }

        foreach (var name in _required)
        {
            if (!value.TryGetProperty(name, out _))
            {
                violations.Add(new SpecViolation(JsonPath.Property(path, name), "is required"));
            }
        }
    }

    private SchemaRule? Find(string name)
    {
        foreach (var property in _properties)
        {
            if (string.Equals(property.Name, name, StringComparison.Ordinal))
            {
                return property.Rule;
            }
        }

        return null;
    }
}

/// <summary><c>type: array</c>, <c>items</c>, <c>minItems</c>.</summary>
internal sealed class ArrayRule : SchemaRule
{
    private readonly SchemaRule _items;
    private readonly int _minItems;

    public ArrayRule(SchemaRule items, int minItems = 0)
    {
        _items = items;
        _minItems = minItems;
    }

    public override void Validate(JsonElement value, string path, List<SpecViolation> violations)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            WrongType(value, path, "an array", violations);
            return;
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            _items.Validate(item, JsonPath.Index(path, index++), violations);
        }

        if (index < _minItems)
        {
            violations.Add(new SpecViolation(path, $"must have at least {_minItems} item{(_minItems == 1 ? string.Empty : "s")}, has {index}"));
        }
    }
}

/// <summary><c>type: boolean</c>.</summary>
internal sealed class BooleanRule : SchemaRule
{
    public override void Validate(JsonElement value, string path, List<SpecViolation> violations)
    {
        if (value.ValueKind != JsonValueKind.True && value.ValueKind != JsonValueKind.False)
        {
            WrongType(value, path, "true or false", violations);
        }
    }
}

/// <summary><c>type: string</c> with its optional keywords, plus an optional check beyond the schema.</summary>
internal sealed class StringRule : SchemaRule
{
    /// <summary><c>minLength</c>, counted in code points as JSON Schema does.</summary>
    public int MinLength { get; set; }

    public IReadOnlyList<string>? Enum { get; set; }

    /// <summary><c>pattern</c> as written in the schema (ECMA-262), for messages.</summary>
    public string? Pattern { get; set; }

    /// <summary>The .NET regex equivalent to <see cref="Pattern"/>.</summary>
    public Regex? PatternRegex { get; set; }

    /// <summary><c>format: date-time</c>, asserted (RFC 3339).</summary>
    public bool DateTime { get; set; }

    /// <summary>A check the schema does not make; returns a message when the value fails it.</summary>
    public Func<string, string?>? Extra { get; set; }

    public override void Validate(JsonElement value, string path, List<SpecViolation> violations)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            WrongType(value, path, Enum is null ? "a string" : "one of the strings " + Choices(), violations);
            return;
        }

        var text = value.GetString()!;
        if (CodePoints(text) < MinLength)
        {
            violations.Add(new SpecViolation(path, $"must be at least {MinLength} character{(MinLength == 1 ? string.Empty : "s")} long, got {DisplayText.Describe(value)}"));
        }

        if (Enum is not null && !Enum.Contains(text, StringComparer.Ordinal))
        {
            violations.Add(new SpecViolation(path, $"must be one of {Choices()}, got {DisplayText.Describe(value)}"));
        }

        if (PatternRegex is not null && !PatternRegex.IsMatch(text))
        {
            violations.Add(new SpecViolation(path, $"must match the pattern {Pattern}, got {DisplayText.Describe(value)}"));
        }

        if (DateTime && !Rfc3339.IsValid(text))
        {
            violations.Add(new SpecViolation(path, $"must be an RFC 3339 date-time such as 2025-01-01T00:00:00Z, got {DisplayText.Describe(value)}"));
        }

        if (Extra?.Invoke(text) is string problem)
        {
            violations.Add(new SpecViolation(path, problem));
        }
    }

    private string Choices() => string.Join(", ", Enum!.Select(e => "'" + e + "'"));

    private static int CodePoints(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }

            count++;
        }

        return count;
    }
}
