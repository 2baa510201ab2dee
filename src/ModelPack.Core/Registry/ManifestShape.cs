using System.Text.Json;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>What a manifest's JSON says it is: its own mediaType and which of the fields that tell an index from an image manifest it has.</summary>
internal sealed class ManifestShape
{
    private ManifestShape(string? mediaType, bool hasManifests, bool hasLayers, bool hasConfig)
    {
        MediaType = mediaType;
        HasManifests = hasManifests;
        HasLayers = hasLayers;
        HasConfig = hasConfig;
    }

    /// <summary>The content's <c>mediaType</c> field, when it is a string.</summary>
    public string? MediaType { get; }

    /// <summary>A <c>manifests</c> array: an index.</summary>
    public bool HasManifests { get; }

    /// <summary>A <c>layers</c> array: an image manifest.</summary>
    public bool HasLayers { get; }

    /// <summary>A <c>config</c> object: an image manifest.</summary>
    public bool HasConfig { get; }

    /// <summary>The shape of <paramref name="bytes"/>, or null when they are not a readable JSON object (parsing reports that).</summary>
    public static ManifestShape? Of(byte[] bytes)
    {
        try
        {
            using var doc = JsonText.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new ManifestShape(
                JsonText.String(root, "mediaType"),
                root.TryGetProperty("manifests", out var manifests) && manifests.ValueKind == JsonValueKind.Array,
                root.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array,
                JsonText.Object(root, "config") is not null);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
