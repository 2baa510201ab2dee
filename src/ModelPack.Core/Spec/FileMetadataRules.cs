using System;
using System.Collections.Generic;
using System.Text.Json;

namespace ModelPack.Core.Spec;

/// <summary>
/// Checks the value of the <c>org.cncf.model.file.metadata+json</c> annotation: a JSON object with the
/// fields of the spec's Go <c>FileMetadata</c> struct (docs/annotations.md), each of its Go type.
/// </summary>
internal static class FileMetadataRules
{
    public enum FieldType
    {
        String,
        UInt32,
        Int64,
        DateTime,
        Byte,
    }

    /// <summary>The fields and their types, as listed in the spec (and in shared/spec/media-types.json).</summary>
    public static readonly IReadOnlyDictionary<string, FieldType> Fields = new Dictionary<string, FieldType>(StringComparer.Ordinal)
    {
        ["name"] = FieldType.String,
        ["mode"] = FieldType.UInt32,
        ["uid"] = FieldType.UInt32,
        ["gid"] = FieldType.UInt32,
        ["size"] = FieldType.Int64,
        ["mtime"] = FieldType.DateTime,
        ["typeflag"] = FieldType.Byte,
    };

    /// <summary>
    /// Every problem with <paramref name="json"/>, as messages. Fields may be absent (Go's decoder
    /// leaves them zero); present ones must have the right type, and unknown fields are refused.
    /// </summary>
    public static IReadOnlyList<string> Check(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonText.Parse(json);
        }
        catch (UndecodableJsonException ex)
        {
            return new[] { $"holds file metadata whose {ex.Path} {ex.Problem}" };
        }
        catch (JsonException ex)
        {
            return new[] { $"must be a JSON object of file metadata, but is not valid JSON: {ex.Message}" };
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new[] { $"must be a JSON object of file metadata, got {DisplayText.Describe(root)}" };
            }

            var problems = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var field in root.EnumerateObject())
            {
                if (!seen.Add(field.Name))
                {
                    problems.Add($"field {DisplayText.Quote(field.Name)} appears more than once");
                }

                if (!Fields.TryGetValue(field.Name, out var type))
                {
                    problems.Add($"field {DisplayText.Quote(field.Name)} is not a file metadata field (allowed: {string.Join(", ", Fields.Keys)})");
                }
                else if (!HasType(field.Value, type))
                {
                    problems.Add($"field {DisplayText.Quote(field.Name)} must be {Describe(type)}, got {DisplayText.Describe(field.Value)}");
                }
            }

            return problems;
        }
    }

    private static bool HasType(JsonElement value, FieldType type) => type switch
    {
        FieldType.String => value.ValueKind == JsonValueKind.String,
        FieldType.UInt32 => value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out _),
        FieldType.Int64 => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        FieldType.Byte => value.ValueKind == JsonValueKind.Number && value.TryGetByte(out _),
        FieldType.DateTime => value.ValueKind == JsonValueKind.String && Rfc3339.IsValid(value.GetString()),
        _ => false,
    };

    private static string Describe(FieldType type) => type switch
    {
        FieldType.String => "a string",
        FieldType.UInt32 => "an integer from 0 to 4294967295",
        FieldType.Int64 => "a 64-bit integer",
        FieldType.Byte => "an integer from 0 to 255 (a tar typeflag, e.g. 48 for '0', a regular file)",
        FieldType.DateTime => "an RFC 3339 date-time string",
        _ => type.ToString(),
    };
}
