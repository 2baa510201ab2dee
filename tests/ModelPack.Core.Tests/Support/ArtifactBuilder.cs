using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Support;

/// <summary>Builds ModelPack artifacts with raw and tar/tar+gzip/tar+zstd layers, and pushes them with the client.</summary>
public sealed class ArtifactBuilder
{
    private readonly List<(Descriptor Descriptor, byte[] Bytes)> _layers = new();
    private readonly string _name;

    public ArtifactBuilder(string name) => _name = name;

    public IReadOnlyList<(Descriptor Descriptor, byte[] Bytes)> Layers => _layers;

    public ArtifactBuilder Raw(string filepath, byte[] bytes, LayerKind kind = LayerKind.Weight)
    {
        _layers.Add((new Descriptor(LayerMediaType.Format(kind, LayerPacking.Raw), Digest.Sha256(bytes).ToString(), bytes.Length,
            new Dictionary<string, string> { [AnnotationKeys.Filepath] = filepath, [AnnotationKeys.Title] = Path.GetFileName(filepath) }), bytes));
        return this;
    }

    /// <summary>A tar layer of the given files (entry name -> content), packed as asked; symlinks as "-> target" contents when linkTargets names them.</summary>
    public ArtifactBuilder Tar(string filepath, LayerPacking packing, IDictionary<string, byte[]> files, LayerKind kind = LayerKind.Doc, IDictionary<string, string>? symlinks = null)
    {
        var bytes = Pack(TarBytes(files, symlinks), packing);
        _layers.Add((new Descriptor(LayerMediaType.Format(kind, packing), Digest.Sha256(bytes).ToString(), bytes.Length,
            new Dictionary<string, string> { [AnnotationKeys.Filepath] = filepath }), bytes));
        return this;
    }

    public (byte[] Config, Descriptor ConfigDescriptor, ModelManifest Manifest) Build()
    {
        var diffIds = string.Join(",", _layers.Select(l => "\"" + l.Descriptor.Digest + "\""));
        var config = Encoding.UTF8.GetBytes("{\"descriptor\":{\"name\":\"" + _name + "\"},\"config\":{\"format\":\"gguf\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[" + diffIds + "]}}");
        var configDescriptor = new Descriptor(MediaTypes.ModelConfig, Digest.Sha256(config).ToString(), config.Length);
        return (config, configDescriptor, ModelManifest.Create(configDescriptor, _layers.Select(l => l.Descriptor)));
    }

    public async Task<ModelManifest> PushAsync(RegistryClient client, string registry, string repository, string tag)
    {
        var (config, configDescriptor, manifest) = Build();
        foreach (var (descriptor, bytes) in _layers.Append((configDescriptor, config)))
        {
            using var stream = new MemoryStream(bytes);
            await TestTransfer.UploadAsync(client, registry, repository, descriptor.Digest, descriptor.Size, stream);
        }

        await client.Repository(registry, repository).PutManifestAsync(tag, manifest.ToBytes(), MediaTypes.OciManifest);
        return manifest;
    }

    public static byte[] TarBytes(IDictionary<string, byte[]> files, IDictionary<string, string>? symlinks = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var pair in files.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, pair.Key) { DataStream = new MemoryStream(pair.Value) };
                writer.WriteEntry(entry);
            }

            foreach (var link in symlinks ?? new Dictionary<string, string>())
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, link.Key) { LinkName = link.Value });
            }
        }

        return buffer.ToArray();
    }

    public static byte[] Pack(byte[] tar, LayerPacking packing)
    {
        switch (packing)
        {
            case LayerPacking.Tar:
                return tar;
            case LayerPacking.TarGzip:
                using (var output = new MemoryStream())
                {
                    using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        gzip.Write(tar);
                    }

                    return output.ToArray();
                }

            case LayerPacking.TarZstd:
                var input = Path.GetTempFileName();
                try
                {
                    File.WriteAllBytes(input, tar);
                    Store.Shell.Run("zstd", "-q", "-f", "-o", input + ".zst", input);
                    var bytes = File.ReadAllBytes(input + ".zst");
                    File.Delete(input + ".zst");
                    return bytes;
                }
                finally
                {
                    File.Delete(input);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(packing));
        }
    }
}
