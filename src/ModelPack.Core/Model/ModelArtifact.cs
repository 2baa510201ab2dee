using System;
using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Spec;

namespace ModelPack;

/// <summary>A ModelPack model: where it is, what it is, and its files. The main pipeline object.</summary>
public sealed class ModelArtifact
{
    public ModelArtifact(string reference, ModelManifest manifest, ModelConfig? config, string strategy, string? path)
    {
        Reference = reference ?? throw new ArgumentNullException(nameof(reference));
        Manifest = manifest ?? throw new ArgumentNullException(nameof(manifest));
        Config = config;
        Strategy = strategy;
        Path = path;
        Files = manifest.Layers.Select(l => new ModelFile(l)).ToArray();
        SplitReference(reference, out var registry, out var repository, out var tag);
        Registry = registry;
        Repository = repository;
        Tag = tag;
    }

    /// <summary>The full reference (registry/repository:tag), or the layout ref name.</summary>
    public string Reference { get; }

    public string? Registry { get; }

    public string? Repository { get; }

    public string? Tag { get; }

    /// <summary>The manifest digest.</summary>
    public string Digest => Manifest.Digest;

    /// <summary>Manifest, config and layer bytes together.</summary>
    public long Size => Manifest.Size + (Manifest.Config?.Size ?? 0) + Manifest.Layers.Sum(l => l.Size);

    /// <summary>The model's name from its config, if any.</summary>
    public string? Name => Config?.Descriptor.Name;

    /// <summary>Where the artifact lives: HttpBind (local store), PodmanArtifact, PodmanImage, Layout, Remote.</summary>
    public string Strategy { get; }

    /// <summary>The store or layout directory holding it (null for remote artifacts).</summary>
    public string? Path { get; }

    public ModelManifest Manifest { get; }

    public ModelConfig? Config { get; }

    public IReadOnlyList<ModelFile> Files { get; }

    public override string ToString() => Reference;

    private static void SplitReference(string reference, out string? registry, out string? repository, out string? tag)
    {
        registry = null;
        tag = null;
        var name = reference;
        var at = name.IndexOf('@');
        if (at >= 0)
        {
            name = name.Substring(0, at);
        }

        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon > slash)
        {
            tag = name.Substring(colon + 1);
            name = name.Substring(0, colon);
        }

        var first = name.IndexOf('/');
        if (first > 0)
        {
            var head = name.Substring(0, first);
            if (head.IndexOf('.') >= 0 || head.IndexOf(':') >= 0 || head == "localhost")
            {
                registry = head;
                name = name.Substring(first + 1);
            }
        }

        repository = name.Length == 0 ? null : name;
    }
}
