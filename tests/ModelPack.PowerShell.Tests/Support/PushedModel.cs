using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.PowerShell.Tests.Support;

/// <summary>A ModelPack artifact built in memory from files (any kind, raw packing), with any filepath, for pushing.</summary>
public sealed class PushedModel
{
    private PushedModel(byte[] config, Descriptor configDescriptor, List<(Descriptor Descriptor, byte[] Bytes)> layers, ModelManifest manifest)
    {
        Config = config;
        ConfigDescriptor = configDescriptor;
        Layers = layers;
        Manifest = manifest;
    }

    public byte[] Config { get; }

    public Descriptor ConfigDescriptor { get; }

    public List<(Descriptor Descriptor, byte[] Bytes)> Layers { get; }

    public ModelManifest Manifest { get; }

    public string Digest => Manifest.Digest;

    /// <summary>Raw layers at the given file paths. The paths are written as given (the tests push unsafe ones on purpose).</summary>
    public static PushedModel Create(string name, params (string Path, LayerKind Kind, byte[] Bytes)[] files)
    {
        var layers = files.Select(f => (new Descriptor(
            LayerMediaType.Format(f.Kind, LayerPacking.Raw),
            Core.Spec.Digest.Sha256(f.Bytes).ToString(),
            f.Bytes.Length,
            new Dictionary<string, string> { [AnnotationKeys.Filepath] = f.Path }), f.Bytes)).ToList();
        var diffIds = string.Join(",", layers.Select(l => "\"" + l.Item1.Digest + "\""));
        var config = Encoding.UTF8.GetBytes(
            "{\"descriptor\":{\"name\":\"" + name + "\"},\"config\":{\"format\":\"safetensors\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[" + diffIds + "]}}");
        var configDescriptor = new Descriptor(MediaTypes.ModelConfig, Core.Spec.Digest.Sha256(config).ToString(), config.Length);
        var manifest = ModelManifest.Create(configDescriptor, layers.Select(l => l.Item1), new Dictionary<string, string> { [AnnotationKeys.Title] = name });
        return new PushedModel(config, configDescriptor, layers, manifest);
    }

    /// <summary>Pseudo-random bytes, distinct per seed.</summary>
    public static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new System.Random(seed).NextBytes(bytes);
        return bytes;
    }

    public async Task PushAsync(RegistryClient client, string registry, string repository, string tag)
    {
        foreach (var (descriptor, bytes) in new[] { (ConfigDescriptor, Config) }.Concat(Layers))
        {
            using var stream = new MemoryStream(bytes);
            await client.UploadBlobAsync(registry, repository, descriptor.Digest, descriptor.Size, stream);
        }

        await client.PutManifestAsync(registry, repository, tag, Manifest.ToBytes(), MediaTypes.OciManifest);
    }
}
