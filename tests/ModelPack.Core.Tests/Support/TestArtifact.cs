using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Support;

/// <summary>A small ModelPack artifact (config + two raw weight layers) held in memory, for pushing and comparing.</summary>
public sealed class TestArtifact
{
    private TestArtifact(byte[] config, Descriptor configDescriptor, IReadOnlyList<(Descriptor Descriptor, byte[] Bytes)> layers, ModelManifest manifest)
    {
        Config = config;
        ConfigDescriptor = configDescriptor;
        Layers = layers;
        Manifest = manifest;
    }

    public byte[] Config { get; }

    public Descriptor ConfigDescriptor { get; }

    public IReadOnlyList<(Descriptor Descriptor, byte[] Bytes)> Layers { get; }

    public ModelManifest Manifest { get; }

    public byte[] ManifestBytes => Manifest.ToBytes();

    public IEnumerable<(Descriptor Descriptor, byte[] Bytes)> Blobs => new[] { (ConfigDescriptor, Config) }.Concat(Layers);

    /// <summary>A distinct artifact per seed; the first layer is <paramref name="layerSize"/> bytes of pseudo-random data.</summary>
    public static TestArtifact Create(string seed, int layerSize = 300_000)
    {
        var random = new Random(seed.GetHashCode(StringComparison.Ordinal));
        var weights = new byte[layerSize];
        random.NextBytes(weights);
        var tokenizer = Encoding.UTF8.GetBytes("{\"tokenizer\":\"" + seed + "\"}");
        var layers = new List<(Descriptor, byte[])>
        {
            (Layer(LayerKind.Weight, weights, "model.safetensors"), weights),
            (Layer(LayerKind.WeightConfig, tokenizer, "tokenizer.json"), tokenizer),
        };
        var config = Encoding.UTF8.GetBytes(
            "{\"descriptor\":{\"name\":\"" + seed + "\"},\"config\":{\"format\":\"safetensors\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[\"" +
            Digest.Sha256(weights) + "\",\"" + Digest.Sha256(tokenizer) + "\"]}}");
        var configDescriptor = new Descriptor(MediaTypes.ModelConfig, Digest.Sha256(config).ToString(), config.Length);
        var manifest = ModelManifest.Create(configDescriptor, layers.Select(l => l.Item1), new Dictionary<string, string> { ["org.opencontainers.image.title"] = seed });
        return new TestArtifact(config, configDescriptor, layers, manifest);
    }

    public async Task PushAsync(RegistryClient client, string registry, string repository, string tag)
    {
        foreach (var (descriptor, bytes) in Blobs)
        {
            using var stream = new MemoryStream(bytes);
            await client.UploadBlobAsync(registry, repository, descriptor.Digest, descriptor.Size, stream);
        }

        await client.PutManifestAsync(registry, repository, tag, ManifestBytes, MediaTypes.OciManifest);
    }

    private static Descriptor Layer(LayerKind kind, byte[] bytes, string path) =>
        new(LayerMediaType.Format(kind, LayerPacking.Raw), Digest.Sha256(bytes).ToString(), bytes.Length, new Dictionary<string, string> { [AnnotationKeys.Filepath] = path });
}
