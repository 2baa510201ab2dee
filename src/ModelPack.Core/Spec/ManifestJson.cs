using System;
using System.Collections.Generic;
using System.Text.Json;

namespace ModelPack.Core.Spec;

/// <summary>Reads and writes descriptors inside manifest and index JSON.</summary>
internal static class ManifestJson
{
    public static Descriptor? ReadDescriptor(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        Platform? platform = null;
        if (JsonText.Object(element, "platform") is JsonElement p)
        {
            platform = new Platform(JsonText.String(p, "architecture") ?? string.Empty, JsonText.String(p, "os") ?? string.Empty, JsonText.String(p, "variant"));
        }

        return new Descriptor(
            JsonText.String(element, "mediaType") ?? string.Empty,
            JsonText.String(element, "digest") ?? string.Empty,
            JsonText.Int64(element, "size") ?? 0,
            JsonText.StringMap(element, "annotations"))
        {
            ArtifactType = JsonText.String(element, "artifactType"),
            Platform = platform,
            Urls = JsonText.Strings(element, "urls") ?? (IReadOnlyList<string>)Array.Empty<string>(),
        };
    }

    public static List<Descriptor> ReadDescriptors(JsonElement parent, string name)
    {
        var list = new List<Descriptor>();
        if (parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (ReadDescriptor(item) is Descriptor d)
                {
                    list.Add(d);
                }
            }
        }

        return list;
    }

    public static void WriteDescriptor(Utf8JsonWriter writer, Descriptor d)
    {
        writer.WriteStartObject();
        writer.WriteString("mediaType", d.MediaType);
        writer.WriteString("digest", d.Digest);
        writer.WriteNumber("size", d.Size);
        JsonText.WriteStrings(writer, "urls", d.Urls);
        JsonText.WriteStringMap(writer, "annotations", d.Annotations);
        JsonText.WriteIfSet(writer, "artifactType", d.ArtifactType);
        if (d.Platform is Platform p)
        {
            writer.WriteStartObject("platform");
            writer.WriteString("architecture", p.Architecture);
            writer.WriteString("os", p.OS);
            JsonText.WriteIfSet(writer, "variant", p.Variant);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Parses JSON that must be an object whose every string can be read, or throws ModelSpecException naming
    /// the subject (and <paramref name="target"/>, the offending reference or file, when given).
    /// </summary>
    public static JsonDocument ParseObject(byte[] bytes, string subject, object? target = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonText.Parse(bytes);
        }
        catch (UndecodableJsonException ex)
        {
            throw new ModelSpecException(subject, new[] { new SpecViolation(ex.Path ?? JsonPath.Root, ex.Problem) }, target);
        }
        catch (JsonException ex)
        {
            throw new ModelSpecException(subject, new[] { new SpecViolation("$", $"not valid JSON: {ex.Message}") }, target);
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new ModelSpecException(subject, new[] { new SpecViolation("$", "must be a JSON object") }, target);
        }

        return doc;
    }
}
