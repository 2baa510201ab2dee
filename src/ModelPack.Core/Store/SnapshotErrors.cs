using System;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Store;

/// <summary>The failures materialising a snapshot can report, worded once.</summary>
internal static class SnapshotErrors
{
    /// <summary>A path, link or entry type that could reach outside the snapshot (or is not a plain file): SecurityError.</summary>
    public static ModelPackException Unsafe(string layerDigest, string entryName, string reason) => new(
        ErrorIds.UnsafeLayerPath,
        ErrorKind.SecurityError,
        $"Refusing '{entryName}' in layer {layerDigest}: {reason} A model's files must stay inside its snapshot " +
        "directory, so the snapshot was not created. Ask the publisher to repackage the model.",
        entryName);

    /// <summary>Two layers or entries that claim the same path: InvalidData.</summary>
    public static ModelPackException Conflict(string layerDigest, string path, string reason) => new(
        ErrorIds.LayerPathConflict,
        ErrorKind.InvalidData,
        $"Layer {layerDigest} puts '{path}' where {reason} The artifact's layers overlap, so the snapshot was not " +
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

    /// <summary>A raw layer with no path to put it at.</summary>
    public static ModelPackException MissingPath(string layerDigest) => new(
        ErrorIds.MissingLayerPath,
        ErrorKind.InvalidData,
        $"Layer {layerDigest} has neither an 'org.cncf.model.filepath' nor an 'org.opencontainers.image.title' " +
        "annotation, so there is no file name to give it. Ask the publisher to repackage the model with file paths.",
        layerDigest);
}
