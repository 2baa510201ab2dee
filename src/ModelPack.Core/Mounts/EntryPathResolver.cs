using System.Collections.Generic;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Mounts;

/// <summary>Finds a model's main weight file: what an inference server should be pointed at.</summary>
public static class EntryPathResolver
{
    /// <summary>
    /// The model-relative path of the main weight file: the largest raw weight layer (its filepath,
    /// else its title), else the largest tar weight layer's filepath (the file or folder its
    /// entries unpack to). The first in manifest order wins a tie. Null when the model has no weight
    /// layer with a usable path.
    /// </summary>
    public static string? MainWeightPath(IEnumerable<Descriptor> layers)
    {
        if (layers is null)
        {
            throw new System.ArgumentNullException(nameof(layers));
        }

        string? raw = null;
        long rawSize = -1;
        string? archived = null;
        long archivedSize = -1;
        foreach (var layer in layers)
        {
            if (layer.Kind != LayerKind.Weight)
            {
                continue;
            }

            var isRaw = layer.Packing == LayerPacking.Raw;
            var name = isRaw && string.IsNullOrEmpty(layer.Filepath) ? layer.Title : layer.Filepath;
            if (!LayerPath.TryNormalize(name, out var path, out _))
            {
                continue;
            }

            if (isRaw && layer.Size > rawSize)
            {
                raw = path;
                rawSize = layer.Size;
            }
            else if (!isRaw && layer.Size > archivedSize)
            {
                archived = path;
                archivedSize = layer.Size;
            }
        }

        return raw ?? archived;
    }

    /// <summary>The main weight file as the container sees it under <paramref name="destination"/> (already normalised), or null.</summary>
    public static string? EntryPath(IEnumerable<Descriptor> layers, string destination)
    {
        var relative = MainWeightPath(layers);
        return relative is null ? null : destination.TrimEnd('/') + "/" + relative;
    }
}
