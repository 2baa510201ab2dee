using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Strategies;

/// <summary>
/// The index of podman's artifact store, read-only: podman keeps its artifacts in an OCI image layout under its
/// graphroot (<c>GRAPHROOT/artifacts/index.json</c>, one entry per name, its <c>org.opencontainers.image.ref.name</c>
/// the name podman lists). Its entries carry the digest of the manifest as the registry served it, which
/// <c>podman artifact inspect</c> and <c>ls</c> do not report (they give podman's re-serialisation's), and the full
/// names of artifacts pulled by digest, which <c>ls</c> shows with an empty tag. Only read when podman is local; any
/// problem reading it leaves the module with podman's own answers.
/// </summary>
internal sealed class PodmanArtifactIndex
{
    private const long MaxIndexBytes = 16 * 1024 * 1024;
    private readonly Dictionary<string, string> digests;

    private PodmanArtifactIndex(Dictionary<string, string> digests, IReadOnlyList<string> names)
    {
        this.digests = digests;
        Names = names;
    }

    /// <summary>Every name in the store, in index order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The store's index at <paramref name="storePath"/>; empty when podman has not created it yet; null when it cannot be read (logged).</summary>
    public static PodmanArtifactIndex? Read(string? storePath, Action<string>? log)
    {
        if (storePath is null)
        {
            return null;
        }

        var file = Path.Combine(storePath, "index.json");
        try
        {
            if (!File.Exists(file))
            {
                return new PodmanArtifactIndex(new Dictionary<string, string>(StringComparer.Ordinal), Array.Empty<string>());
            }

            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                if (stream.Length > MaxIndexBytes)
                {
                    log?.Invoke($"Not reading podman's artifact index '{file}': it is {stream.Length} bytes.");
                    return null;
                }

                bytes = new byte[stream.Length];
                var read = 0;
                while (read < bytes.Length)
                {
                    var n = stream.Read(bytes, read, bytes.Length - read);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                }

                Array.Resize(ref bytes, read);
            }

            var index = ImageIndex.Parse(bytes);
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new List<string>();
            foreach (var entry in index.Manifests)
            {
                if (entry.Annotation(AnnotationKeys.RefName) is { Length: > 0 } name && !map.ContainsKey(name))
                {
                    map[name] = entry.Digest;
                    names.Add(name);
                }
            }

            return new PodmanArtifactIndex(map, names);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Errors.ModelPackException or System.Text.Json.JsonException)
        {
            log?.Invoke($"Cannot read podman's artifact index '{file}' ({ex.Message}); using the digests podman reports.");
            return null;
        }
    }

    /// <summary>The registry's manifest digest of <paramref name="name"/>, or null when the index does not name it.</summary>
    public string? DigestOf(string name) => digests.TryGetValue(name, out var digest) ? digest : null;

    /// <summary>The names of <paramref name="repository"/> pulled by digest (<c>REPO@sha256:...</c>).</summary>
    public IEnumerable<string> PinnedNamesOf(string repository) =>
        Names.Where(n => n.StartsWith(repository + "@", StringComparison.Ordinal));
}
