using System;
using System.IO;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Mounts;

/// <summary>The HttpBind mount: the store's snapshot of a model, bind-mounted read-only into a container.</summary>
public static class BindMountBuilder
{
    public const string MountType = "bind";

    /// <summary>The engine whose syntax the argument uses until engine selection exists; docker reads it the same way.</summary>
    public const string DefaultEngine = "podman";

    /// <summary>
    /// Builds the read-only bind mount of a stored artifact's snapshot at <paramref name="destination"/>
    /// (checked by <see cref="ContainerPath.NormalizeDestination"/>). Throws ModelArtifactNotInStore for
    /// artifacts that are not in the local store, PathNotFound when the snapshot is gone, and
    /// UnmountablePath when the snapshot's host path has a control character (',' and '"' are quoted, see <see cref="MountText"/>).
    /// </summary>
    public static ModelMount Build(ModelArtifact artifact, string? destination = ContainerPath.DefaultDestination, string engine = DefaultEngine)
    {
        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        var target = ContainerPath.NormalizeDestination(destination);
        if (!string.Equals(artifact.Strategy, ModelStore.StrategyName, StringComparison.Ordinal) || string.IsNullOrEmpty(artifact.Path))
        {
            throw MountErrors.NotInLocalStore(artifact);
        }

        var source = Path.GetFullPath(artifact.Path);
        if (!Directory.Exists(source))
        {
            throw MountErrors.SnapshotMissing(artifact.Reference, source);
        }

        var entryPath = EntryPathResolver.EntryPath(artifact.PresentLayerDescriptors, target);
        var argument = $"--mount=type={MountType},{MountText.Field("src", source, artifact.Reference)},destination={target},ro";
        return new ModelMount(artifact.Reference, artifact.Strategy, engine, new MountSpec(MountType, source, target), argument, entryPath)
        {
            PartialWarning = artifact.Partial ? PartialPulls.PartialErrors.PartialMount(artifact.Reference, artifact.PresentLayers!.Count, artifact.Files.Count) : null,
        };
    }
}
