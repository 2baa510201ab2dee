using System;
using System.Globalization;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>The failures materialising a snapshot can report, worded once.</summary>
internal static class SnapshotErrors
{
    /// <summary>A path, link or entry type that could reach outside the snapshot (or is not a plain file): SecurityError.</summary>
    public static ModelPackException Unsafe(string layerDigest, string entryName, string reason) => new(
        ErrorIds.UnsafeLayerPath,
        ErrorKind.SecurityError,
        $"Refusing {DisplayText.Quote(entryName)} in layer {layerDigest}: {reason} A model's files must stay inside its snapshot " +
        "directory, so the snapshot was not created. Ask the publisher to repackage the model.",
        entryName);

    /// <summary>Two layers or entries that claim the same path: InvalidData.</summary>
    public static ModelPackException Conflict(string layerDigest, string path, string reason) => new(
        ErrorIds.LayerPathConflict,
        ErrorKind.InvalidData,
        $"Layer {layerDigest} puts {DisplayText.Quote(path)} where {reason} The artifact's layers overlap, so the snapshot was not " +
        "created. Ask the publisher to repackage the model.",
        path);

    /// <summary>A tar layer that SharpCompress cannot read (corrupt, truncated, not the packing its media type says).</summary>
    public static ModelPackException InvalidArchive(string layerDigest, string packing, Exception inner) => new(
        ErrorIds.InvalidLayerArchive,
        ErrorKind.InvalidData,
        $"Layer {layerDigest} is not a readable {packing} archive: {inner.Message} Remove the artifact and pull it again; " +
        "if it fails again, the published layer is damaged.",
        layerDigest,
        inner);

    /// <summary>A compressed layer that expands past <see cref="ArchiveLimits.MaxExpandedBytes"/>: a decompression bomb.</summary>
    public static ModelPackException CompressionBomb(string layerDigest, string packing, long compressedSize, long expanded, ArchiveLimits limits) => new(
        ErrorIds.CompressionRatioExceeded,
        ErrorKind.InvalidData,
        string.Format(
            CultureInfo.InvariantCulture,
            "Layer {0} ({1}, {2:N0} bytes) expands to more than {3:N0} bytes of archive, over {4} times its size (at least 1 MiB counts): no model compresses that well, so extraction stopped and the snapshot was not created. " +
            "If the model is genuine, raise 'maxCompressionRatio' in the config file.",
            layerDigest, packing, compressedSize, expanded - 1, limits.MaxCompressionRatio),
        layerDigest);

    /// <summary>A layer with more entries than <see cref="ArchiveLimits.MaxEntries"/>.</summary>
    public static ModelPackException TooManyEntries(string layerDigest, ArchiveLimits limits) => new(
        ErrorIds.TooManyLayerEntries,
        ErrorKind.InvalidData,
        string.Format(
            CultureInfo.InvariantCulture,
            "Layer {0} has more than {1:N0} entries, more files than a model has, so extraction stopped and the snapshot was not created. If the model is genuine, raise 'maxLayerEntries' in the config file.",
            layerDigest, limits.MaxEntries),
        layerDigest);

    /// <summary>A raw layer with no path to put it at.</summary>
    public static ModelPackException MissingPath(string layerDigest) => new(
        ErrorIds.MissingLayerPath,
        ErrorKind.InvalidData,
        $"Layer {layerDigest} has neither an 'org.cncf.model.filepath' nor an 'org.opencontainers.image.title' " +
        "annotation, so there is no file name to give it. Ask the publisher to repackage the model with file paths.",
        layerDigest);
}
