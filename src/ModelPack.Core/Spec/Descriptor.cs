using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelPack.Core.Spec;

/// <summary>An OCI content descriptor: what a manifest says about a blob.</summary>
public sealed class Descriptor
{
    private static readonly IReadOnlyDictionary<string, string> NoAnnotations =
        new Dictionary<string, string>(StringComparer.Ordinal);

    public Descriptor(
        string mediaType,
        string digest,
        long size,
        IReadOnlyDictionary<string, string>? annotations = null)
    {
        MediaType = mediaType ?? throw new ArgumentNullException(nameof(mediaType));
        Digest = digest ?? throw new ArgumentNullException(nameof(digest));
        Size = size;
        Annotations = annotations ?? NoAnnotations;
    }

    public string MediaType { get; }

    public string Digest { get; }

    public long Size { get; }

    public IReadOnlyDictionary<string, string> Annotations { get; }

    public string? ArtifactType { get; internal set; }

    public Platform? Platform { get; internal set; }

    public IReadOnlyList<string> Urls { get; internal set; } = Array.Empty<string>();

    /// <summary>The <c>org.cncf.model.filepath</c> annotation (else the earlier <c>org.cnai.model.filepath</c>), if any.</summary>
    public string? Filepath => Annotation(AnnotationKeys.Filepath) ?? Annotation(AnnotationKeys.LegacyFilepath);

    /// <summary>The <c>org.opencontainers.image.title</c> annotation, if any.</summary>
    public string? Title => Annotation(AnnotationKeys.Title);

    /// <summary>The layer kind, when the media type is a ModelPack layer type (or an earlier name of one).</summary>
    public LayerKind? Kind => LayerMediaType.TryRead(MediaType, out var kind, out _) ? kind : null;

    /// <summary>The layer packing, when the media type is a ModelPack layer type (or an earlier name of one).</summary>
    public LayerPacking? Packing => LayerMediaType.TryRead(MediaType, out _, out var packing) ? packing : null;

    /// <summary>The parsed file-metadata annotation, or null when absent or malformed.</summary>
    public FileMetadata? FileMetadata
    {
        get
        {
            var json = Annotation(AnnotationKeys.FileMetadata) ?? Annotation(AnnotationKeys.LegacyFileMetadata);
            return json is not null && Spec.FileMetadata.TryParse(json, out var metadata) ? metadata : null;
        }
    }

    public string? Annotation(string key) => Annotations.TryGetValue(key, out var value) ? value : null;

    public Descriptor WithAnnotations(IReadOnlyDictionary<string, string> annotations) =>
        new(MediaType, Digest, Size, annotations) { ArtifactType = ArtifactType, Platform = Platform, Urls = Urls };

    internal static IReadOnlyDictionary<string, string> Sorted(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is null
            ? NoAnnotations
            : annotations.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    public override string ToString() => $"{MediaType} {Digest} ({Size} bytes)";
}
