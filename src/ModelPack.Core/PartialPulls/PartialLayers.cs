using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ModelPack.Core.Spec;

namespace ModelPack.Core.PartialPulls;

/// <summary>
/// How the store marks an artifact that a partial pull left incomplete: an annotation on its index.json entry listing
/// the indices (manifest order) of the layers that are present, "0,2,5". No annotation means every layer is present.
/// Every entry of one manifest digest carries the same list, since they share one snapshot.
/// </summary>
public static class PartialLayers
{
    /// <summary>Annotation on a store index entry: the present layers of a partial artifact.</summary>
    public const string Annotation = "io.modelpack.partial.layers";

    /// <summary>The present layer indices the entry records, or null when the artifact is complete (or the value is unreadable).</summary>
    public static IReadOnlyList<int>? Read(Descriptor indexEntry, int layerCount)
    {
        if (indexEntry?.Annotation(Annotation) is not string text)
        {
            return null;
        }

        var indices = new SortedSet<int>();
        foreach (var part in text.Split(','))
        {
            if (part.Trim().Length == 0)
            {
                continue;
            }

            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var i) || i >= layerCount)
            {
                // Written by hand or by another tool: treating it as complete would hide missing files, so take none.
                return Array.Empty<int>();
            }

            indices.Add(i);
        }

        return indices.Count == layerCount ? null : indices.ToList();
    }

    /// <summary>The annotation value for <paramref name="present"/>, or null when every one of <paramref name="layerCount"/> layers is.</summary>
    public static string? Format(IEnumerable<int>? present, int layerCount)
    {
        if (present is null)
        {
            return null;
        }

        var sorted = present.Distinct().OrderBy(i => i).ToList();
        return sorted.Count >= layerCount ? null : string.Join(",", sorted.Select(i => i.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The union of two selections (null: every layer).</summary>
    public static IReadOnlyList<int>? Union(IReadOnlyList<int>? a, IReadOnlyList<int>? b) =>
        a is null || b is null ? null : a.Union(b).OrderBy(i => i).ToList();

    /// <summary>Whether <paramref name="wanted"/> (null: every layer) is within <paramref name="present"/> (null: every layer).</summary>
    public static bool Covers(IReadOnlyList<int>? present, IReadOnlyList<int>? wanted) =>
        present is null || (wanted is not null && wanted.All(present.Contains));

    /// <summary>The layers at <paramref name="present"/> (null: all of them), in manifest order.</summary>
    public static IReadOnlyList<Descriptor> Pick(IReadOnlyList<Descriptor> layers, IReadOnlyList<int>? present) =>
        present is null ? layers : present.Select(i => layers[i]).ToList();
}
