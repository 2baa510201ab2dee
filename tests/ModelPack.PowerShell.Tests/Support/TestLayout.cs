using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelPack.PowerShell.Tests.Support;

/// <summary>Writes OCI image layouts by hand (independently of the module's own code) for cmdlet tests.</summary>
public sealed class TestLayout : IDisposable
{
    private readonly JsonArray _manifests = new();

    public TestLayout()
    {
        Root = Path.Combine(Path.GetTempPath(), "mp-layout-" + Guid.NewGuid().ToString("n")[..10]);
        Directory.CreateDirectory(Path.Combine(Root, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(Root, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Save();
    }

    public string Root { get; }

    public static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    public JsonObject AddBlob(byte[] bytes, string mediaType, Dictionary<string, string>? annotations = null)
    {
        var digest = Sha256(bytes);
        File.WriteAllBytes(BlobPath(digest), bytes);
        var d = new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = bytes.Length };
        if (annotations is not null)
        {
            var a = new JsonObject();
            foreach (var pair in annotations)
            {
                a[pair.Key] = pair.Value;
            }

            d["annotations"] = a;
        }

        return d;
    }

    public string BlobPath(string digest) => Path.Combine(Root, "blobs", "sha256", digest["sha256:".Length..]);

    /// <summary>Adds a ModelPack model with the given raw files (path -> content) under a ref name; returns the manifest digest.</summary>
    public string AddModel(string refName, string modelName, params (string Path, string Kind, byte[] Content)[] files)
    {
        var layers = new JsonArray();
        var diffIds = new JsonArray();
        foreach (var f in files)
        {
            var layer = AddBlob(f.Content, $"application/vnd.cncf.model.{f.Kind}.v1.raw", new Dictionary<string, string>
            {
                ["org.cncf.model.filepath"] = f.Path,
                ["org.opencontainers.image.title"] = Path.GetFileName(f.Path),
            });
            layers.Add(layer);
            diffIds.Add(layer["digest"]!.GetValue<string>());
        }

        var config = new JsonObject
        {
            ["descriptor"] = new JsonObject { ["name"] = modelName, ["version"] = "1.0" },
            ["modelfs"] = new JsonObject { ["type"] = "layers", ["diffIds"] = diffIds },
            ["config"] = new JsonObject { ["format"] = "gguf" },
        };
        var configDescriptor = AddBlob(Encoding.UTF8.GetBytes(config.ToJsonString()), "application/vnd.cncf.model.config.v1+json");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["artifactType"] = "application/vnd.cncf.model.manifest.v1+json",
            ["config"] = configDescriptor,
            ["layers"] = layers,
        };
        return AddManifest(refName, Encoding.UTF8.GetBytes(manifest.ToJsonString()));
    }

    /// <summary>Adds an ordinary container image manifest (not a model).</summary>
    public string AddImage(string refName)
    {
        var config = AddBlob(Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"), "application/vnd.oci.image.config.v1+json");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = config,
            ["layers"] = new JsonArray(),
        };
        return AddManifest(refName, Encoding.UTF8.GetBytes(manifest.ToJsonString()));
    }

    public string AddManifest(string refName, byte[] manifestBytes)
    {
        var d = AddBlob(manifestBytes, "application/vnd.oci.image.manifest.v1+json", new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = refName });
        _manifests.Add(d);
        Save();
        return d["digest"]!.GetValue<string>();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Save()
    {
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = JsonNode.Parse(_manifests.ToJsonString()),
        };
        File.WriteAllText(Path.Combine(Root, "index.json"), index.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }
}
