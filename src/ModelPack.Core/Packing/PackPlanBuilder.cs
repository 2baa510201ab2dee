using System;
using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Packing;

/// <summary>
/// Turns the files a scan accepted into a <see cref="PackPlan"/>: one layer per file, a dataset directory per
/// layer when datasets are packed as tar, layers in the spec's kind order, and config.format inferred from
/// the weight files when they agree on one.
/// </summary>
internal static class PackPlanBuilder
{
    private static readonly LayerKind[] KindOrder = { LayerKind.Weight, LayerKind.WeightConfig, LayerKind.Doc, LayerKind.Code, LayerKind.Dataset };

    /// <param name="notes">What the scan has to tell (kind overrides that matched nothing); the format's note is added.</param>
    public static PackPlan Build(PackRequest request, string root, IReadOnlyList<PlannedFile> files, IReadOnlyDictionary<string, string> skipped, IEnumerable<string> notes)
    {
        var allNotes = notes.ToList();
        var formats = files.Where(f => f.Kind == LayerKind.Weight).Select(f => FileClassifier.WeightFormat(f.Path)).Distinct().ToList();
        string? format = null;
        if (formats.Count == 1 && formats[0] is not null)
        {
            format = formats[0];
        }
        else if (formats.Count > 1)
        {
            allNotes.Add($"config.format was not inferred: the weight files are in {string.Join(", ", formats.Select(f => f ?? "an unrecognised format"))}. Set the format to say which.");
        }

        return new PackPlan(root, GroupLayers(request, files), skipped, format, allNotes);
    }

    private static List<PlannedLayer> GroupLayers(PackRequest request, IReadOnlyList<PlannedFile> files)
    {
        var layers = new List<PlannedLayer>();
        var datasetPacking = request.PackingOf(LayerKind.Dataset);
        foreach (var group in files.GroupBy(f => f.Kind == LayerKind.Dataset && f.DatasetRoot is not null && datasetPacking != LayerPacking.Raw ? f.DatasetRoot : null))
        {
            if (group.Key is string directory)
            {
                var members = group.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
                var isDirectory = !(members.Count == 1 && members[0].Path == directory);
                layers.Add(new PlannedLayer(directory, LayerKind.Dataset, datasetPacking, members, isDirectory));
                continue;
            }

            foreach (var file in group)
            {
                layers.Add(new PlannedLayer(file.Path, file.Kind, request.PackingOf(file.Kind), new[] { file }, isDirectory: false));
            }
        }

        return layers
            .OrderBy(l => Array.IndexOf(KindOrder, l.Kind))
            .ThenBy(l => l.Path, StringComparer.Ordinal)
            .ToList();
    }
}
