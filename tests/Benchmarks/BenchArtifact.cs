using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Spec;

namespace ModelPack.Benchmarks;

/// <summary>A ModelPack artifact of random raw weight layers, generated on disk and pushed to the registry.</summary>
internal sealed class BenchArtifact
{
    private BenchArtifact(string name, string repository, IReadOnlyList<(Descriptor Layer, string File)> layers)
    {
        Name = name;
        Repository = repository;
        Layers = layers;
    }

    public string Name { get; }

    public string Repository { get; }

    public IReadOnlyList<(Descriptor Layer, string File)> Layers { get; }

    public long Size => Layers.Sum(l => l.Layer.Size);

    public static async Task<BenchArtifact> CreateAsync(string registry, string name, int layerCount, long layerSize, string workDirectory)
    {
        var repository = "bench/" + name;
        var layers = new List<(Descriptor, string)>();
        var buffer = new byte[1024 * 1024];
        for (var i = 0; i < layerCount; i++)
        {
            var file = Path.Combine(workDirectory, $"{name}-{i}.bin");
            using (var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            using (var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                for (long written = 0; written < layerSize; written += buffer.Length)
                {
                    RandomNumberGenerator.Fill(buffer);
                    var count = (int)Math.Min(buffer.Length, layerSize - written);
                    hasher.AppendData(buffer, 0, count);
                    output.Write(buffer, 0, count);
                }

                var digest = "sha256:" + Convert.ToHexString(hasher.GetHashAndReset()).ToLowerInvariant();
                var annotations = new Dictionary<string, string> { [AnnotationKeys.Filepath] = $"weights/part-{i:00}.bin" };
                layers.Add((new Descriptor(LayerMediaType.Format(LayerKind.Weight, LayerPacking.Raw), digest, layerSize, annotations), file));
            }

            await PushBlobAsync(registry, repository, layers[i].Item1.Digest, file);
        }

        var diffIds = string.Join(",", layers.Select(l => "\"" + l.Item1.Digest + "\""));
        var config = Encoding.UTF8.GetBytes("{\"descriptor\":{\"name\":\"" + name + "\"},\"config\":{\"format\":\"safetensors\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[" + diffIds + "]}}");
        var configDescriptor = new Descriptor(MediaTypes.ModelConfig, Digest.Sha256(config).ToString(), config.Length);
        var configFile = Path.Combine(workDirectory, $"{name}-config.json");
        await File.WriteAllBytesAsync(configFile, config);
        await PushBlobAsync(registry, repository, configDescriptor.Digest, configFile);
        var manifest = ModelManifest.Create(configDescriptor, layers.Select(l => l.Item1));
        var manifestFile = Path.Combine(workDirectory, $"{name}-manifest.json");
        await File.WriteAllBytesAsync(manifestFile, manifest.ToBytes());
        await CurlAsync("-f", "-s", "-X", "PUT", "-H", "Content-Type: " + MediaTypes.OciManifest, "--data-binary", "@" + manifestFile, $"http://{registry}/v2/{repository}/manifests/v1");
        File.Delete(configFile);
        File.Delete(manifestFile);
        foreach (var (_, file) in layers)
        {
            File.Delete(file);
        }

        return new BenchArtifact(name, repository, layers);
    }

    /// <summary>Uploads one blob with curl (POST, then one PUT of the file): the setup stays outside the code being measured.</summary>
    private static async Task PushBlobAsync(string registry, string repository, string digest, string file)
    {
        var opened = await CurlAsync("-f", "-s", "-X", "POST", "-D", "-", "-o", "/dev/null", $"http://{registry}/v2/{repository}/blobs/uploads/");
        var location = opened.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("Location:", StringComparison.OrdinalIgnoreCase))["Location:".Length..].Trim();
        var url = location.StartsWith("http", StringComparison.Ordinal) ? location : $"http://{registry}{location}";
        await CurlAsync("-f", "-s", "-X", "PUT", "-H", "Content-Type: application/octet-stream", "--upload-file", file, url + (url.Contains('?') ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest));
    }

    private static async Task<string> CurlAsync(params string[] arguments)
    {
        var (_, output, exit) = await Tool.RunAsync("curl", arguments);
        if (exit != 0)
        {
            throw new InvalidOperationException($"curl {string.Join(" ", arguments)} failed ({exit}): {output}");
        }

        return output;
    }
}
