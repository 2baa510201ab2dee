using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelPack.Core.Spec;

/// <summary>An OCI image index (or Docker manifest list): also the <c>index.json</c> of an image layout.</summary>
public sealed class ImageIndex
{
    private readonly byte[] _bytes;

    private ImageIndex(byte[] bytes, string mediaType, IReadOnlyList<Descriptor> manifests, IReadOnlyDictionary<string, string> annotations)
    {
        _bytes = bytes;
        MediaType = mediaType;
        Manifests = manifests;
        Annotations = annotations;
        Digest = Spec.Digest.Sha256(bytes).ToString();
    }

    public string MediaType { get; }

    public IReadOnlyList<Descriptor> Manifests { get; }

    public IReadOnlyDictionary<string, string> Annotations { get; }

    public string Digest { get; }

    public byte[] ToBytes() => (byte[])_bytes.Clone();

    public static ImageIndex Parse(byte[] bytes) => Parse(bytes, "index", null);

    /// <param name="bytes">The index's exact bytes.</param>
    /// <param name="subject">What the index is, for the message ("The index of 'x'").</param>
    /// <param name="target">The offending value for an ErrorRecord (the reference), or null for the subject.</param>
    internal static ImageIndex Parse(byte[] bytes, string subject, object? target)
    {
        using var doc = ManifestJson.ParseObject(bytes, subject, target);
        var root = doc.RootElement;
        return new ImageIndex(
            (byte[])bytes.Clone(),
            JsonText.String(root, "mediaType") ?? string.Empty,
            ManifestJson.ReadDescriptors(root, "manifests"),
            JsonText.StringMap(root, "annotations") ?? new Dictionary<string, string>(StringComparer.Ordinal));
    }

    /// <summary>A new OCI index, serialised canonically.</summary>
    public static ImageIndex Create(IEnumerable<Descriptor> manifests, IReadOnlyDictionary<string, string>? annotations = null)
    {
        var list = manifests.ToList();
        var sorted = Descriptor.Sorted(annotations);
        var bytes = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", MediaTypes.OciIndex);
            w.WriteStartArray("manifests");
            foreach (var m in list)
            {
                ManifestJson.WriteDescriptor(w, m);
            }

            w.WriteEndArray();
            JsonText.WriteStringMap(w, "annotations", sorted);
            w.WriteEndObject();
        });
        return new ImageIndex(bytes, MediaTypes.OciIndex, list, sorted);
    }
}
