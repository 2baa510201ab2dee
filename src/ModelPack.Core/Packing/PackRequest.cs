using System;
using System.Collections.Generic;
using ModelPack.Core.References;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Packing;

/// <summary>
/// What to pack and how: the folder, the reference to tag in the store, which files go in as which kind,
/// how each kind is packed, and the config. Every pattern is a <see cref="Globbing.PathGlob"/> glob on
/// the model-relative path ('/' separators, case-insensitive).
/// </summary>
public sealed class PackRequest
{
    /// <summary>The default modification time of packed files: the Unix epoch, so packs are reproducible.</summary>
    public static readonly DateTimeOffset DefaultModificationTime = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public PackRequest(string sourcePath, ModelReference reference)
    {
        SourcePath = sourcePath ?? throw new ArgumentNullException(nameof(sourcePath));
        Reference = reference ?? throw new ArgumentNullException(nameof(reference));
    }

    /// <summary>The folder holding the model's files.</summary>
    public string SourcePath { get; }

    /// <summary>The reference the artifact is tagged as in the store's index.json.</summary>
    public ModelReference Reference { get; }

    /// <summary>When not empty, only files matching one of these are packed.</summary>
    public IList<string> Include { get; } = new List<string>();

    /// <summary>Files matching one of these are left out (Exclude wins over Include).</summary>
    public IList<string> Exclude { get; } = new List<string>();

    /// <summary>
    /// Relative paths (files or directories, no wildcards) whose files are datasets. With tar packing a
    /// listed directory becomes one layer (its <c>org.cncf.model.filepath</c> is the directory).
    /// </summary>
    public IList<string> Datasets { get; } = new List<string>();

    /// <summary>Pattern to kind, for files the built-in rules get wrong. Overrides win over everything; two that disagree on a file are an error.</summary>
    public IDictionary<string, LayerKind> KindOverrides { get; } = new Dictionary<string, LayerKind>(StringComparer.Ordinal);

    /// <summary>
    /// How each kind is packed; kinds not listed are raw (one file per layer). Weights are always raw: a
    /// tar around them saves nothing and podman cannot mount them.
    /// </summary>
    public IDictionary<LayerKind, LayerPacking> Packing { get; } = new Dictionary<LayerKind, LayerPacking>();

    public UnclassifiedFileHandling UnclassifiedFiles { get; set; } = UnclassifiedFileHandling.Doc;

    /// <summary>Pack files and directories whose name starts with '.' (.git, .cache, .DS_Store); left out by default.</summary>
    public bool IncludeHidden { get; set; }

    /// <summary>
    /// Follow symbolic links to files outside the folder (a Hugging Face cache snapshot links into its
    /// blobs directory) and pack the content they point at. Off by default: such links are refused.
    /// </summary>
    public bool FollowLinksOutside { get; set; }

    /// <summary>The mtime written for every file (metadata annotation and tar entries); <see cref="DefaultModificationTime"/> when null.</summary>
    public DateTimeOffset? ModificationTime { get; set; }

    /// <summary>Write each file's own modification time instead (to the second); the digest then depends on it.</summary>
    public bool PreserveModificationTimes { get; set; }

    public ModelConfigRequest Config { get; set; } = new();

    /// <summary>A ModelPack config JSON file to start from (its modelfs is replaced by the packed layers').</summary>
    public string? ConfigPath { get; set; }

    /// <summary>Annotations of the manifest itself (none by default).</summary>
    public IDictionary<string, string> ManifestAnnotations { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Verbose log lines: what was skipped, classified, inferred.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Packs every kind but weights with <paramref name="packing"/> (what <c>-Packing</c> means).</summary>
    public PackRequest UsePacking(LayerPacking packing)
    {
        foreach (LayerKind kind in Enum.GetValues(typeof(LayerKind)))
        {
            if (kind != LayerKind.Weight)
            {
                Packing[kind] = packing;
            }
        }

        return this;
    }

    internal LayerPacking PackingOf(LayerKind kind) => Packing.TryGetValue(kind, out var packing) ? packing : LayerPacking.Raw;
}
