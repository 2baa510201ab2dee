using System;
using System.Collections.Generic;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Layout;

/// <summary>Turns the manifests of an OCI image layout into ModelArtifacts, skipping non-model manifests.</summary>
public static class LayoutArtifacts
{
    public const string StrategyName = "Layout";

    /// <param name="layout">The layout to read.</param>
    /// <param name="skipped">Told about every manifest that is not a ModelPack model, and why.</param>
    public static IEnumerable<ModelArtifact> Read(OciLayout layout, Action<string>? skipped = null)
    {
        foreach (var entry in layout.ReadEntries())
        {
            var name = entry.RefName ?? entry.Descriptor.Digest;
            if (!entry.Manifest.IsModelArtifact)
            {
                skipped?.Invoke($"Skipping '{name}' ({entry.Descriptor.Digest}): not a ModelPack model (artifactType '{entry.Manifest.ArtifactType ?? "none"}', config '{entry.Manifest.Config?.MediaType ?? "none"}').");
                continue;
            }

            yield return ToArtifact(layout, entry, name);
        }
    }

    public static ModelArtifact ToArtifact(OciLayout layout, LayoutEntry entry, string name)
    {
        ModelConfig? config = null;
        if (entry.Manifest.Config is Descriptor c && MediaTypes.IsModelConfig(c.MediaType))
        {
            var subject = $"The config of '{name}' in the OCI layout '{layout.Root}'";
            ModelConfig.EnsureReadable(c, subject, name);
            config = ModelConfig.Parse(layout.ReadBlob(c), subject, name);
        }

        return new ModelArtifact(name, entry.Manifest, config, StrategyName, layout.Root);
    }
}
