using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Support;

/// <summary>A small ModelPack artifact (a config and raw layers) held in memory, for pushing and comparing.</summary>
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

    public string Digest => Manifest.Digest;

    public IEnumerable<(Descriptor Descriptor, byte[] Bytes)> Blobs => new[] { (ConfigDescriptor, Config) }.Concat(Layers);

    /// <summary>A distinct artifact per seed: <paramref name="layerSize"/> bytes of pseudo-random weights and a tokenizer.</summary>
    public static TestArtifact Create(string seed, int layerSize = 300_000)
    {
        var random = new Random(seed.GetHashCode(StringComparison.Ordinal));
        var weights = new byte[layerSize];
        random.NextBytes(weights);
        return FromFiles(
            seed,
            ("model.safetensors", LayerKind.Weight, weights),
            ("tokenizer.json", LayerKind.WeightConfig, Encoding.UTF8.GetBytes("{\"tokenizer\":\"" + seed + "\"}")));
    }

    /// <summary>Raw layers at the given file paths, written as given (tests push unsafe ones on purpose), titled <paramref name="name"/>.</summary>
    public static TestArtifact FromFiles(string name, params (string Path, LayerKind Kind, byte[] Bytes)[] files) =>
        FromLayers(name, files.Select(f => (Layer(f.Kind, f.Bytes, f.Path), f.Bytes)).ToArray());

    /// <summary>Layers exactly as given (any media type, annotations and bytes, tests push hostile ones), titled <paramref name="name"/>.</summary>
    public static TestArtifact FromLayers(string name, params (Descriptor Descriptor, byte[] Bytes)[] layerList)
    {
        var layers = layerList.ToList();
        var diffIds = string.Join(",", layers.Select(l => "\"" + l.Item1.Digest + "\""));
        var config = Encoding.UTF8.GetBytes(
            "{\"descriptor\":{\"name\":\"" + name + "\"},\"config\":{\"format\":\"safetensors\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[" + diffIds + "]}}");
        var configDescriptor = new Descriptor(MediaTypes.ModelConfig, global::ModelPack.Core.Spec.Digest.Sha256(config).ToString(), config.Length);
        var manifest = ModelManifest.Create(configDescriptor, layers.Select(l => l.Item1), new Dictionary<string, string> { [AnnotationKeys.Title] = name });
        return new TestArtifact(config, configDescriptor, layers, manifest);
    }

    /// <summary>Pseudo-random bytes, distinct per seed.</summary>
    public static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public async Task PushAsync(RegistryClient client, string registry, string repository, string tag)
    {
        foreach (var (descriptor, bytes) in Blobs)
        {
            using var stream = new MemoryStream(bytes);
            await TestTransfer.UploadAsync(client, registry, repository, descriptor.Digest, descriptor.Size, stream);
        }

        await client.Repository(registry, repository).PutManifestAsync(tag, ManifestBytes, MediaTypes.OciManifest);
    }

    private static Descriptor Layer(LayerKind kind, byte[] bytes, string path) =>
        new(LayerMediaType.Format(kind, LayerPacking.Raw), global::ModelPack.Core.Spec.Digest.Sha256(bytes).ToString(), bytes.Length, new Dictionary<string, string> { [AnnotationKeys.Filepath] = path });
}
