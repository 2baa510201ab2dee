using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// An artifact in the exact shape another producer writes it (media types, annotation keys, config), built as raw JSON so
/// that nothing of the module's own writer smooths it over; pushed to a real registry with the module's client.
/// </summary>
public sealed class ProducerArtifact
{
    private readonly List<(JsonObject Descriptor, byte[] Bytes)> _layers = new();
    private readonly JsonObject _manifest = new() { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciManifest };
    private byte[] _config = Encoding.UTF8.GetBytes("{}");
    private string _configMediaType = MediaTypes.OciEmpty;
    private string? _configName;

    public ProducerArtifact ArtifactType(string artifactType)
    {
        _manifest["artifactType"] = artifactType;
        return this;
    }

    /// <summary>A ModelPack-shaped config (descriptor name, format, diffIds of the layers) under <paramref name="mediaType"/>.</summary>
    public ProducerArtifact ModelConfig(string mediaType, string name)
    {
        _configMediaType = mediaType;
        _config = null!;
        _configName = name;
        return this;
    }

    /// <summary>podman's empty config: <c>{}</c> under the OCI empty media type, with its data inline as podman writes it.</summary>
    public ProducerArtifact EmptyConfig()
    {
        _configMediaType = MediaTypes.OciEmpty;
        _config = Encoding.UTF8.GetBytes("{}");
        _configName = null;
        return this;
    }

    public ProducerArtifact Layer(string mediaType, byte[] bytes, params (string Key, string Value)[] annotations)
    {
        var descriptor = new JsonObject { ["mediaType"] = mediaType, ["digest"] = Digest.Sha256(bytes).ToString(), ["size"] = bytes.Length };
        if (annotations.Length > 0)
        {
            var map = new JsonObject();
            foreach (var (key, value) in annotations)
            {
                map[key] = value;
            }

            descriptor["annotations"] = map;
        }

        _layers.Add((descriptor, bytes));
        return this;
    }

    public ProducerArtifact ManifestAnnotation(string key, string value)
    {
        var map = _manifest["annotations"] as JsonObject ?? new JsonObject();
        map[key] = value;
        _manifest["annotations"] = map;
        return this;
    }

    public IReadOnlyList<byte[]> LayerBytes => _layers.Select(l => l.Bytes).ToList();

    public (byte[] Manifest, byte[] Config) Build()
    {
        var config = _configName is null
            ? _config
            : Encoding.UTF8.GetBytes("{\"descriptor\":{\"name\":\"" + _configName + "\"},\"config\":{\"format\":\"gguf\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[" +
                string.Join(",", _layers.Select(l => "\"" + l.Descriptor["digest"] + "\"")) + "]}}");
        var configDescriptor = new JsonObject { ["mediaType"] = _configMediaType, ["digest"] = Digest.Sha256(config).ToString(), ["size"] = config.Length };
        if (_configMediaType == MediaTypes.OciEmpty)
        {
            configDescriptor["data"] = "e30=";
        }

        var manifest = (JsonObject)_manifest.DeepClone();
        manifest["config"] = configDescriptor;
        manifest["layers"] = new JsonArray(_layers.Select(l => (JsonNode)l.Descriptor.DeepClone()).ToArray());
        return (Encoding.UTF8.GetBytes(manifest.ToJsonString()), config);
    }

    /// <summary>Pushes the blobs and the manifest; returns the manifest's digest.</summary>
    public async Task<string> PushAsync(RegistryClient client, string registry, string repository, string tag)
    {
        var (manifest, config) = Build();
        foreach (var bytes in _layers.Select(l => l.Bytes).Append(config))
        {
            using var stream = new MemoryStream(bytes);
            await TestTransfer.UploadAsync(client, registry, repository, Digest.Sha256(bytes).ToString(), bytes.Length, stream);
        }

        await client.Repository(registry, repository).PutManifestAsync(tag, manifest, MediaTypes.OciManifest);
        return Digest.Sha256(manifest).ToString();
    }
}
