using System.Linq;
using System.Text;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Spec;

public class ModelManifestTests
{
    [Fact]
    public void Parses_the_spec_example_manifest()
    {
        var bytes = SpecData.Bytes("example-manifest.json");
        var manifest = ModelManifest.Parse(bytes);

        Assert.True(manifest.IsModelArtifact);
        Assert.Equal(MediaTypes.ModelConfig, manifest.Config!.MediaType);
        Assert.Equal(4, manifest.Layers.Count);
        Assert.Equal(LayerKind.Weight, manifest.Layers[0].Kind);
        Assert.Equal(LayerPacking.Tar, manifest.Layers[0].Packing);
        Assert.Equal(LayerKind.WeightConfig, manifest.Layers[2].Kind);
        Assert.Equal(LayerKind.Doc, manifest.Layers[3].Kind);
        Assert.Equal(5018536960L, manifest.Layers[1].Size);
    }

    [Fact]
    public void Round_trip_keeps_the_exact_bytes_and_digest()
    {
        var bytes = SpecData.Bytes("example-manifest.json");
        var manifest = ModelManifest.Parse(bytes);

        Assert.Equal(bytes, manifest.ToBytes());
        Assert.Equal(Digest.Sha256(bytes).ToString(), manifest.Digest);
    }

    [Fact]
    public void Created_manifest_is_canonical_and_parses_back_identically()
    {
        var config = new Descriptor(MediaTypes.ModelConfig, Digest.Sha256("{}").ToString(), 2);
        var layer = new Descriptor(
            LayerMediaType.Format(LayerKind.Weight, LayerPacking.Raw),
            Digest.Sha256("w").ToString(),
            1,
            new System.Collections.Generic.Dictionary<string, string> { ["z"] = "1", [AnnotationKeys.Filepath] = "model.gguf" });
        var created = ModelManifest.Create(config, new[] { layer });
        var text = Encoding.UTF8.GetString(created.ToBytes());

        Assert.StartsWith("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"application/vnd.cncf.model.manifest.v1+json\",\"config\":", text);
        Assert.True(text.IndexOf("org.cncf.model.filepath", System.StringComparison.Ordinal) < text.IndexOf("\"z\"", System.StringComparison.Ordinal));
        var reparsed = ModelManifest.Parse(created.ToBytes());
        Assert.Equal(created.Digest, reparsed.Digest);
        Assert.Equal("model.gguf", reparsed.Layers.Single().Filepath);
        Assert.Equal(created.ToBytes(), ModelManifest.Create(config, new[] { layer }).ToBytes());
    }

    [Fact]
    public void Twenty_layer_media_types_map_both_ways()
    {
        var all = LayerMediaType.All.ToList();
        Assert.Equal(20, all.Count);
        foreach (var mt in all)
        {
            Assert.True(LayerMediaType.TryParse(mt, out var kind, out var packing));
            Assert.Equal(mt, LayerMediaType.Format(kind, packing));
        }

        Assert.False(LayerMediaType.TryParse("application/vnd.cnai.model.weight.v1.raw", out _, out _));
    }
}
