using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelPack.Core.Engines;
using ModelPack.Core.Images;
using ModelPack.Core.Mounts;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;

namespace ModelPack.Core.Tests.Mounts.Rendering;

/// <summary>Mounts made by the real strategies (no engine command runs to make them) for the rendering tests.</summary>
internal static class RenderingTestData
{
    public const string ArtifactRef = "registry.example:5000/models/tiny-llm:1.0";
    public const string ImageRef = "registry.example:5000/images/tiny-llm:1.0";

    public static EngineInfo Podman(string version, bool subpath) =>
        new(EngineKind.Podman, "/usr/bin/podman", $"podman {version} at /usr/bin/podman", "test engine", new EngineDetails
        {
            VersionText = version,
            Version = Version.Parse(version),
            IsUsable = true,
            SupportsArtifacts = version.StartsWith("5.7", StringComparison.Ordinal),
            SupportsImageSubpath = subpath,
        });

    public static (Descriptor Weights, Descriptor Config, IReadOnlyList<ModelMount> Mounts) ArtifactMounts(string destination = "/mnt/models")
    {
        var weights = Layer(LayerKind.Weight, "weights/model.gguf", 9000);
        var config = Layer(LayerKind.WeightConfig, "config.json", 20);
        var manifest = ModelManifest.Create(new Descriptor(MediaTypes.ModelConfig, Digest.Sha256("cfg").ToString(), 3), new[] { weights, config });
        var artifact = new ModelArtifact(ArtifactRef, manifest, null, "PodmanArtifact", null);
        var engine = Podman("5.7.0", subpath: true);
        return (weights, config, new PodmanArtifactStrategy(new StrategyContext(engine)).Mounts(artifact, new MountOptions(engine, destination)));
    }

    public static IReadOnlyList<ModelMount> ImageMounts(bool subpath, string destination = "/mnt/models")
    {
        var json = "[{\"Id\":\"" + new string('a', 64) + "\",\"Digest\":\"" + Digest.Sha256("m") + "\",\"RepoTags\":[\"" + ImageRef + "\"],\"Size\":123," +
            "\"Labels\":{\"" + ModelImage.ModelLabel + "\":\"true\",\"" + ModelImage.EntryPathLabel + "\":\"model.gguf\"},\"ManifestType\":\"application/vnd.oci.image.manifest.v1+json\"}]";
        var info = PodmanImageInfo.ParseArray(json)[0];
        var artifact = ModelArtifact.InEngineStore(ImageRef, info.Describe(), "PodmanImage", info.Digest, info.Size);
        var engine = subpath ? Podman("5.7.0", true) : Podman("4.3.1", false);
        return new PodmanImageStrategy(new StrategyContext(engine)).Mounts(artifact, new MountOptions(engine, destination));
    }

    /// <summary>An HttpBind mount of a real (empty) snapshot directory, so the bind checks pass.</summary>
    public static IReadOnlyList<ModelMount> BindMounts(string snapshotsRoot, string snapshotName, EngineInfo engine, string destination = "/mnt/models")
    {
        var weights = Layer(LayerKind.Weight, "model.gguf", 100);
        var manifest = ModelManifest.Create(new Descriptor(MediaTypes.ModelConfig, Digest.Sha256("cfg").ToString(), 3), new[] { weights });
        var snapshot = Path.Combine(snapshotsRoot, snapshotName);
        Directory.CreateDirectory(snapshot);
        var store = ModelStore.Open(Path.Combine(snapshotsRoot, "store"));
        var artifact = new ModelArtifact(ArtifactRef, manifest, null, "HttpBind", snapshot, store.Root);
        return new HttpBindStrategy(new StrategyContext(engine, () => store)).Mounts(artifact, new MountOptions(engine, destination));
    }

    /// <summary>Reads a quadlet unit back: (section, key, value) in order, values unquoted as systemd would.</summary>
    public static List<(string Section, string Key, string Value)> ParseUnit(string text)
    {
        var entries = new List<(string, string, string)>();
        string? section = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (section is null || equals <= 0)
            {
                throw new FormatException($"not a unit line: '{raw}'");
            }

            var value = line[(equals + 1)..];
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            entries.Add((section, line[..equals], value.Replace("%%", "%", StringComparison.Ordinal)));
        }

        return entries;
    }

    private static Descriptor Layer(LayerKind kind, string filepath, long size) =>
        new(LayerMediaType.Format(kind, LayerPacking.Raw), Digest.Sha256(filepath).ToString(), size, new Dictionary<string, string> { [AnnotationKeys.Filepath] = filepath });
}
