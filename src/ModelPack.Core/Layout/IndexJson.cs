using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Layout;

/// <summary>
/// Checks and edits a layout's index.json at the JSON level, so entries and fields written by
/// other tools (skopeo, podman, oras) survive a tag change byte-for-byte in meaning.
/// </summary>
internal static class IndexJson
{
    /// <summary>Throws InvalidLayout unless the bytes are an image index: an object, schemaVersion 2, a manifests array of descriptors.</summary>
    public static void Validate(byte[] bytes, string root)
    {
        using var doc = Parse(bytes, root);
    }

    public static byte[] SetReference(byte[] current, string root, string refName, Descriptor manifest)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in manifest.Annotations)
        {
            annotations[pair.Key] = pair.Value;
        }

        annotations[AnnotationKeys.RefName] = refName;
        var tagged = manifest.WithAnnotations(annotations);
        return Rewrite(current, root, refName, tagged, out _);
    }

    public static byte[] RemoveReference(byte[] current, string root, string refName, out bool removed) =>
        Rewrite(current, root, refName, replacement: null, out removed);

    /// <summary>Drops every entry named <paramref name="refName"/> and, when given, puts <paramref name="replacement"/> where the first one was (or at the end).</summary>
    private static byte[] Rewrite(byte[] current, string root, string refName, Descriptor? replacement, out bool matched)
    {
        using var doc = Parse(current, root);
        var found = false;
        var bytes = JsonText.Write(w =>
        {
            w.WriteStartObject();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.NameEquals("manifests"))
                {
                    continue;
                }

                property.WriteTo(w);
            }

            w.WriteStartArray("manifests");
            foreach (var entry in doc.RootElement.GetProperty("manifests").EnumerateArray())
            {
                if (string.Equals(RefNameOf(entry), refName, StringComparison.Ordinal))
                {
                    if (!found && replacement is not null)
                    {
                        ManifestJson.WriteDescriptor(w, replacement);
                    }

                    found = true;
                    continue;
                }

                entry.WriteTo(w);
            }

            if (!found && replacement is not null)
            {
                ManifestJson.WriteDescriptor(w, replacement);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        matched = found;
        return bytes;
    }

    private static string? RefNameOf(JsonElement entry) =>
        JsonText.Object(entry, "annotations") is JsonElement annotations ? JsonText.String(annotations, AnnotationKeys.RefName) : null;

    private static JsonDocument Parse(byte[] bytes, string root)
    {
        JsonDocument doc;
        try
        {
            doc = JsonText.Parse(bytes);
        }
        catch (JsonException ex)
        {
            throw LayoutErrors.Invalid(root, $"The index.json of the OCI layout '{root}' is not valid JSON: {ex.Message}", ex);
        }

        var problem = Problem(doc.RootElement);
        if (problem is not null)
        {
            doc.Dispose();
            throw LayoutErrors.Invalid(root, $"The index.json of the OCI layout '{root}' is not an OCI image index: {problem}.");
        }

        return doc;
    }

    private static string? Problem(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "it must be a JSON object";
        }

        if (JsonText.Int64(root, "schemaVersion") != 2)
        {
            return "schemaVersion must be 2";
        }

        if (!root.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
        {
            return "it has no 'manifests' array";
        }

        var i = 0;
        foreach (var entry in manifests.EnumerateArray())
        {
            var where = "manifests[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                return where + " is not an object";
            }

            if (JsonText.String(entry, "mediaType") is null)
            {
                return where + " has no mediaType";
            }

            if (!Digest.TryParse(JsonText.String(entry, "digest"), out _, out var digestError))
            {
                return where + " has no valid digest: " + digestError.TrimEnd('.');
            }

            if (JsonText.Int64(entry, "size") is not long size || size < 0)
            {
                return where + " has no valid size";
            }

            i++;
        }

        return null;
    }
}
