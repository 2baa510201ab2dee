using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Mounts;

/// <summary>Layer descriptors and artifacts for the mount tests (no blobs needed: mounts read only the manifest).</summary>
internal static class MountTestData
{
    private static int _seed;

    public static Descriptor Layer(LayerKind kind, LayerPacking packing, long size, string? filepath, string? title = null)
    {
        var annotations = new Dictionary<string, string>();
        if (filepath is not null)
        {
            annotations[AnnotationKeys.Filepath] = filepath;
        }

        if (title is not null)
        {
            annotations[AnnotationKeys.Title] = title;
        }

        var digest = Digest.Sha256("layer-" + System.Threading.Interlocked.Increment(ref _seed)).ToString();
        return new Descriptor(LayerMediaType.Format(kind, packing), digest, size, annotations);
    }

    public static ModelManifest Manifest(params Descriptor[] layers)
    {
        var config = new Descriptor(MediaTypes.ModelConfig, Digest.Sha256("config").ToString(), 10);
        return ModelManifest.Create(config, layers.ToList());
    }
}
