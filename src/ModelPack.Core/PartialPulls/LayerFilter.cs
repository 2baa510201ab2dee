using System;
using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.Globbing;
using ModelPack.Core.Spec;

namespace ModelPack.Core.PartialPulls;

/// <summary>
/// Which layers a partial pull downloads: a layer is taken when its file path matches an <see cref="Include"/> glob
/// (or there are none), matches no <see cref="Exclude"/> glob, and its kind is one of <see cref="Kinds"/> (or there
/// are none). The globs are <see cref="PathGlob"/>s on the layer's file path (its filepath annotation, else its title).
/// An empty filter takes every layer.
/// </summary>
public sealed class LayerFilter
{
    public IList<string> Include { get; } = new List<string>();

    public IList<string> Exclude { get; } = new List<string>();

    public ISet<LayerKind> Kinds { get; } = new HashSet<LayerKind>();

    /// <summary>True when the filter takes every layer.</summary>
    public bool IsEmpty => Include.Count == 0 && Exclude.Count == 0 && Kinds.Count == 0;

    /// <summary>The filter as the user wrote it, for messages: "-Include *.gguf -Kind Doc".</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Include.Count > 0)
        {
            parts.Add("-Include " + string.Join(", ", Include));
        }

        if (Exclude.Count > 0)
        {
            parts.Add("-Exclude " + string.Join(", ", Exclude));
        }

        if (Kinds.Count > 0)
        {
            parts.Add("-Kind " + string.Join(", ", Kinds.OrderBy(k => k)));
        }

        return parts.Count == 0 ? "(every layer)" : string.Join(" ", parts);
    }

    /// <summary>Throws InvalidLayerFilter for a glob that cannot be used, before anything is asked of a registry.</summary>
    public void Check()
    {
        PathGlob.ParseAll(Include, "Include", ErrorIds.InvalidLayerFilter);
        PathGlob.ParseAll(Exclude, "Exclude", ErrorIds.InvalidLayerFilter);
    }

    /// <summary>The indices (in manifest order) of the layers the filter takes; NoLayersSelected when it takes none.</summary>
    /// <param name="layers">The manifest's layers.</param>
    /// <param name="refName">The artifact, for the error.</param>
    public IReadOnlyList<int> Select(IReadOnlyList<Descriptor> layers, string refName)
    {
        if (layers is null)
        {
            throw new ArgumentNullException(nameof(layers));
        }

        var include = PathGlob.ParseAll(Include, "Include", ErrorIds.InvalidLayerFilter);
        var exclude = PathGlob.ParseAll(Exclude, "Exclude", ErrorIds.InvalidLayerFilter);
        var selected = new List<int>();
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var path = PathOf(layer);
            var taken = (include.Count == 0 || include.Any(g => g.Matches(path))) &&
                !exclude.Any(g => g.Matches(path)) &&
                (Kinds.Count == 0 || (layer.Kind is LayerKind kind && Kinds.Contains(kind)));
            if (taken)
            {
                selected.Add(i);
            }
        }

        if (selected.Count == 0)
        {
            throw PartialErrors.NoLayersSelected(refName, this, layers.Select(PathOf));
        }

        return selected;
    }

    /// <summary>The path a glob is matched against: what <see cref="ModelFile.Path"/> shows.</summary>
    internal static string PathOf(Descriptor layer) => layer.Filepath ?? layer.Title ?? layer.Digest;
}
