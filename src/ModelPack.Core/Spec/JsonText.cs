using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ModelPack.Core.Spec;

/// <summary>Tolerant JSON reading (wrong types read as absent; validators report them) and canonical writing.</summary>
internal static class JsonText
{
    /// <summary>Compact output that keeps '+' and non-ASCII readable, as Go's encoder does for media types.</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 64,
    };

    /// <summary>
    /// Parses JSON from the network or another tool. Throws <see cref="JsonException"/> for malformed JSON and
    /// its <see cref="UndecodableJsonException"/> for a string or property name that is not valid UTF-8 or is
    /// an escaped lone surrogate, so no later read of the document can fail with InvalidOperationException.
    /// </summary>
    public static JsonDocument Parse(byte[] bytes, JsonDocumentOptions? options = null)
    {
        var doc = JsonDocument.Parse(bytes, options ?? DocumentOptions);
        return Checked(doc);
    }

    /// <summary><see cref="Parse(byte[], JsonDocumentOptions?)"/> for JSON text (a process's output, an annotation value).</summary>
    public static JsonDocument Parse(string json, JsonDocumentOptions? options = null)
    {
        var doc = JsonDocument.Parse(json, options ?? DocumentOptions);
        return Checked(doc);
    }

    /// <summary>Throws <see cref="UndecodableJsonException"/> when a string or property name in <paramref name="element"/> cannot be read as text.</summary>
    public static void EnsureDecodable(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    element.GetString();
                }
                catch (InvalidOperationException)
                {
                    throw new UndecodableJsonException(path, WhyUndecodable(element.GetRawText));
                }

                break;
            case JsonValueKind.Object:
                var position = 0;
                foreach (var property in element.EnumerateObject())
                {
                    position++;
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        throw new UndecodableJsonException(path, $"has a property name (property {position.ToString(CultureInfo.InvariantCulture)} of the object) that {WhyUndecodable(property.ToString)}");
                    }

                    EnsureDecodable(property.Value, JsonPath.Property(path, name));
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    EnsureDecodable(item, JsonPath.Index(path, index++));
                }

                break;
        }
    }

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String
            ? p.GetString()
            : null;

    public static long? Int64(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out var v)
            ? v
            : null;

    public static bool? Boolean(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var p) && (p.ValueKind == JsonValueKind.True || p.ValueKind == JsonValueKind.False)
            ? p.GetBoolean()
            : null;

    public static JsonElement? Object(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Object
            ? p
            : null;

    public static List<string>? Strings(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var p) || p.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in p.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(item.GetString()!);
            }
        }

        return list;
    }

    /// <summary>String-valued entries of an annotations object; non-string values are skipped (the validator reports them).</summary>
    public static Dictionary<string, string>? StringMap(JsonElement obj, string name)
    {
        var map = Object(obj, name);
        if (map is null)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in map.Value.EnumerateObject())
        {
            if (entry.Value.ValueKind == JsonValueKind.String)
            {
                result[entry.Name] = entry.Value.GetString()!;
            }
        }

        return result;
    }

    public static DateTimeOffset? Date(JsonElement obj, string name)
    {
        var text = String(obj, name);
        return text is not null && Rfc3339.TryParse(text, out var value) ? value : null;
    }

    public static void WriteStringMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return;
        }

        writer.WriteStartObject(name);
        foreach (var entry in Descriptor.Sorted(map))
        {
            writer.WriteString(entry.Key, entry.Value);
        }

        writer.WriteEndObject();
    }

    public static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string>? values)
    {
        if (values is null || values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            writer.WriteStringValue(v);
        }

        writer.WriteEndArray();
    }

    public static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }

    public static void WriteIfSet(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is DateTimeOffset v)
        {
            writer.WriteString(name, Rfc3339.Format(v));
        }
    }

    public static void WriteIfSet(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is bool v)
        {
            writer.WriteBoolean(name, v);
        }
    }

    /// <summary>
    /// The document a validator checks, or null with the one violation that says why it cannot be read (not JSON,
    /// not valid UTF-8, a lone surrogate): then there is nothing else to report.
    /// </summary>
    public static JsonDocument? ParseForValidation(byte[] json, out SpecViolation? unreadable)
    {
        unreadable = null;
        try
        {
            return Parse(json);
        }
        catch (UndecodableJsonException ex)
        {
            unreadable = new SpecViolation(ex.Path ?? JsonPath.Root, ex.Problem);
        }
        catch (JsonException ex)
        {
            unreadable = new SpecViolation(JsonPath.Root, $"is not valid JSON: {ex.Message}");
        }

        return null;
    }

    private static JsonDocument Checked(JsonDocument doc)
    {
        try
        {
            EnsureDecodable(doc.RootElement, JsonPath.Root);
            return doc;
        }
        catch
        {
            doc.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The raw JSON text of a value transcodes unless its bytes are not UTF-8: then the value itself is the
    /// problem; otherwise it is an escape (<c>\ud800</c>) that decodes to half a character.
    /// </summary>
    private static string WhyUndecodable(Func<string> rawText)
    {
        try
        {
            rawText();
            return "holds an escaped lone UTF-16 surrogate (such as \\ud800), which is half a character, not text";
        }
        catch (InvalidOperationException)
        {
            return "is not valid UTF-8";
        }
    }
}
