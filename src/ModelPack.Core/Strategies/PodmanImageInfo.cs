using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using ModelPack.Core.Images;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Strategies;

/// <summary>
/// One local image as <c>podman image inspect</c> (an array of objects) or <c>podman images --format json</c>
/// (an array too) describe it: ID, manifest digest, names, size and labels. Both commands use these field
/// names in podman 4 and 5; <c>images</c> calls the names <c>Names</c>, <c>inspect</c> calls them <c>RepoTags</c>.
/// </summary>
internal sealed class PodmanImageInfo
{
    private PodmanImageInfo(string id, string? digest, IReadOnlyList<string> names, long? size, IReadOnlyDictionary<string, string> labels, string? manifestType)
    {
        Id = id;
        Digest = digest;
        Names = names;
        Size = size;
        Labels = labels;
        ManifestType = manifestType;
    }

    /// <summary>The image ID (the config digest's hex).</summary>
    public string Id { get; }

    /// <summary>The manifest digest, when podman knows it.</summary>
    public string? Digest { get; }

    public IReadOnlyList<string> Names { get; }

    public long? Size { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public string? ManifestType { get; }

    /// <summary>Every image in the array podman printed; entries without an ID are skipped.</summary>
    public static IReadOnlyList<PodmanImageInfo> ParseArray(string stdout)
    {
        var result = new List<PodmanImageInfo>();
        var text = stdout.Trim();
        if (text.Length == 0)
        {
            return result;
        }

        using var doc = JsonText.Parse(text);
        var items = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : new List<JsonElement> { doc.RootElement };
        foreach (var item in items.Where(i => i.ValueKind == JsonValueKind.Object))
        {
            var id = JsonText.String(item, "Id") ?? JsonText.String(item, "ID");
            if (string.IsNullOrEmpty(id))
            {
                continue;
            }

            var names = JsonText.Strings(item, "Names") ?? JsonText.Strings(item, "RepoTags") ?? new List<string>();
            var labels = JsonText.StringMap(item, "Labels") ??
                (JsonText.Object(item, "Config") is JsonElement config ? JsonText.StringMap(config, "Labels") : null) ??
                new Dictionary<string, string>(StringComparer.Ordinal);
            result.Add(new PodmanImageInfo(id!, JsonText.String(item, "Digest"), names, JsonText.Int64(item, "Size"), labels, JsonText.String(item, "ManifestType")));
        }

        return result;
    }

    /// <summary>
    /// A stand-in manifest for a local image, since podman prints none: its config is the image ID under the
    /// image-config media type, it lists no layers (the model's files are not known without mounting the
    /// image), and its annotations are the image's labels, which carry the entry path.
    /// </summary>
    public ModelManifest Describe()
    {
        var docker = string.Equals(ManifestType, MediaTypes.DockerManifestV2, StringComparison.Ordinal);
        var configDigest = Id.IndexOf(':') >= 0 ? Id : "sha256:" + Id;
        var bytes = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", docker ? MediaTypes.DockerManifestV2 : MediaTypes.OciManifest);
            w.WriteStartObject("config");
            w.WriteString("mediaType", docker ? MediaTypes.DockerImageConfig : MediaTypes.OciImageConfig);
            w.WriteString("digest", configDigest);
            w.WriteNumber("size", 0);
            w.WriteEndObject();
            w.WriteStartArray("layers");
            w.WriteEndArray();
            JsonText.WriteStringMap(w, "annotations", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal));
            w.WriteEndObject();
        });
        return ModelManifest.Parse(bytes);
    }

    public bool IsModel => ModelImage.IsModelImage(Labels);
}
