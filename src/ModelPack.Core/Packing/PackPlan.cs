using System.Collections.Generic;
using System.Linq;

namespace ModelPack.Core.Packing;

/// <summary>
/// What a pack would do, decided without reading any file's content: the layers in manifest order, the
/// files left out and why, and the inferred format. <see cref="ModelPacker.Plan"/> makes it (for -WhatIf);
/// <see cref="ModelPacker.PackAsync"/> carries it out.
/// </summary>
public sealed class PackPlan
{
    internal PackPlan(string sourcePath, IReadOnlyList<PlannedLayer> layers, IReadOnlyDictionary<string, string> skipped, string? inferredFormat, IReadOnlyList<string> notes)
    {
        SourcePath = sourcePath;
        Layers = layers;
        Skipped = skipped;
        InferredFormat = inferredFormat;
        Notes = notes;
    }

    /// <summary>The full path of the source folder.</summary>
    public string SourcePath { get; }

    public IReadOnlyList<PlannedLayer> Layers { get; }

    public IReadOnlyList<PlannedFile> Files => Layers.SelectMany(l => l.Files).ToList();

    /// <summary>Relative paths left out, with the reason (hidden, excluded, not included, unclassified, directory link).</summary>
    public IReadOnlyDictionary<string, string> Skipped { get; }

    /// <summary>Files packed as doc because no rule classified them (marked mediatype.untested).</summary>
    public IReadOnlyList<string> Unclassified => Files.Where(f => f.Untested).Select(f => f.Path).ToList();

    /// <summary>config.format from the weight files' extensions, when they agree on one.</summary>
    public string? InferredFormat { get; }

    /// <summary>Things the user may want to know (an ambiguous format, an override that matched nothing).</summary>
    public IReadOnlyList<string> Notes { get; }

    public long SourceSize => Layers.Sum(l => l.SourceSize);
}
