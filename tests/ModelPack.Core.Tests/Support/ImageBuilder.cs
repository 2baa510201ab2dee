using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// Builds an ordinary OCI container image by hand (rootfs tar layers, an image config with labels and diff
/// IDs, a manifest) and pushes it with the module's own client: `podman build` cannot run here, and an image
/// made this way is exactly what the registry, podman and the store will see.
/// </summary>
public sealed class ImageBuilder
{
    private readonly List<(Descriptor Descriptor, byte[] Blob, string DiffId)> layers = new();
    private readonly Dictionary<string, string> labels = new(StringComparer.Ordinal);

    public ImageBuilder Label(string key, string value)
    {
        labels[key] = value;
        return this;
    }

    /// <summary>Adds a layer from tar entries, packed as asked (Tar, TarGzip or TarZstd rootfs media types).</summary>
    public ImageBuilder Layer(LayerPacking packing, Action<TarWriter> entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            entries(writer);
        }

        var tar = buffer.ToArray();
        var blob = ArtifactBuilder.Pack(tar, packing);
        var mediaType = packing switch
        {
            LayerPacking.Tar => MediaTypes.OciLayerTar,
            LayerPacking.TarGzip => MediaTypes.OciLayerTarGzip,
            _ => MediaTypes.OciLayerTarZstd,
        };
        layers.Add((new Descriptor(mediaType, Digest.Sha256(blob).ToString(), blob.Length), blob, Digest.Sha256(tar).ToString()));
        return this;
    }

    /// <summary>Adds a layer whose media type is not a rootfs layer (for refusal tests).</summary>
    public ImageBuilder ForeignLayer(string mediaType, byte[] blob)
    {
        layers.Add((new Descriptor(mediaType, Digest.Sha256(blob).ToString(), blob.Length), blob, Digest.Sha256(blob).ToString()));
        return this;
    }

    public (byte[] Config, Descriptor ConfigDescriptor, byte[] Manifest, string Digest) Build()
    {
        var config = JsonBytes(w =>
        {
            w.WriteStartObject();
            w.WriteString("architecture", "amd64");
            w.WriteString("os", "linux");
            w.WriteStartObject("config");
            w.WriteStartObject("Labels");
            foreach (var label in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                w.WriteString(label.Key, label.Value);
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("rootfs");
            w.WriteString("type", "layers");
            w.WriteStartArray("diff_ids");
            foreach (var layer in layers)
            {
                w.WriteStringValue(layer.DiffId);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });
        var configDescriptor = new Descriptor(MediaTypes.OciImageConfig, Digest.Sha256(config).ToString(), config.Length);
        var manifest = JsonBytes(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", MediaTypes.OciManifest);
            WriteDescriptor(w, "config", configDescriptor);
            w.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                WriteDescriptor(w, null, layer.Descriptor);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        return (config, configDescriptor, manifest, Digest.Sha256(manifest).ToString());
    }

    /// <summary>Pushes blobs and manifest; returns the manifest digest.</summary>
    public async Task<string> PushAsync(RegistryClient client, string registry, string repository, string tag)
    {
        var (config, configDescriptor, manifest, digest) = Build();
        foreach (var (descriptor, bytes) in layers.Select(l => (l.Descriptor, l.Blob)).Append((configDescriptor, config)))
        {
            using var stream = new MemoryStream(bytes);
            await TestTransfer.UploadAsync(client, registry, repository, descriptor.Digest, descriptor.Size, stream);
        }

        await client.Repository(registry, repository).PutManifestAsync(tag, manifest, MediaTypes.OciManifest);
        return digest;
    }

    public static void File(TarWriter writer, string name, byte[] content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = mode });

    public static void File(TarWriter writer, string name, string content) => File(writer, name, Encoding.UTF8.GetBytes(content));

    public static void Directory(TarWriter writer, string name) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute });

    public static void Symlink(TarWriter writer, string name, string target) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });

    public static void HardLink(TarWriter writer, string name, string target) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target });

    public static void CharacterDevice(TarWriter writer, string name) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, name) { DeviceMajor = 1, DeviceMinor = 3 });

    private static void WriteDescriptor(System.Text.Json.Utf8JsonWriter w, string? name, Descriptor descriptor)
    {
        if (name is null)
        {
            w.WriteStartObject();
        }
        else
        {
            w.WriteStartObject(name);
        }

        w.WriteString("mediaType", descriptor.MediaType);
        w.WriteString("digest", descriptor.Digest);
        w.WriteNumber("size", descriptor.Size);
        w.WriteEndObject();
    }

    private static byte[] JsonBytes(Action<System.Text.Json.Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
