using System;
using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Images;

namespace ModelPack.Core.Mounts.Rendering;

/// <summary>
/// The mounts of one model as the renderings need them: the reference, the strategy, where the model's root
/// is in the container, and its main weight file relative to that root (the same wherever it is mounted).
/// </summary>
internal sealed class MountSet
{
    private MountSet(IReadOnlyList<ModelMount> mounts, string destination, string? entryRelative)
    {
        Mounts = mounts;
        Destination = destination;
        EntryRelative = entryRelative;
    }

    public IReadOnlyList<ModelMount> Mounts { get; }

    public ModelMount First => Mounts[0];

    public string Reference => First.Reference;

    public string Strategy => First.Strategy;

    /// <summary>bind, image or artifact.</summary>
    public string Type => First.Type;

    /// <summary>The model's root in the container (the destination the mounts were made for).</summary>
    public string Destination { get; }

    /// <summary>The main weight file relative to the model's root, or null.</summary>
    public string? EntryRelative { get; }

    /// <summary>
    /// Checks that the mounts are one model's and finds the model's root in the container: a bind or image
    /// mount's destination; for artifact mounts (one per file) <paramref name="destination"/> must say it.
    /// </summary>
    /// <exception cref="ArgumentException">No mounts, mounts of several models, or a destination the mounts were not made for.</exception>
    /// <exception cref="Errors.ModelPackException">InvalidMountDestination.</exception>
    public static MountSet From(IReadOnlyList<ModelMount> mounts, string? destination)
    {
        if (mounts is null || mounts.Count == 0)
        {
            throw new ArgumentException("There are no mounts to render.", nameof(mounts));
        }

        var first = mounts[0];
        if (mounts.Any(m => m.Reference != first.Reference || m.Strategy != first.Strategy || m.Type != first.Type))
        {
            throw new ArgumentException("The mounts belong to several models or strategies; render each model's mounts on their own.", nameof(mounts));
        }

        string root;
        if (first.Type == "artifact")
        {
            root = ContainerPath.NormalizeDestination(destination ?? throw new ArgumentException("Artifact mounts are one per file: pass the destination they were made for.", nameof(destination)));
            if (mounts.Any(m => !m.Destination.StartsWith(root + "/", StringComparison.Ordinal)))
            {
                throw new ArgumentException($"The mounts were not made for the destination '{root}'.", nameof(destination));
            }
        }
        else
        {
            root = first.Destination;
            if (destination is not null && ContainerPath.NormalizeDestination(destination) != root)
            {
                throw new ArgumentException($"The mounts were made for '{root}', not for '{destination}'.", nameof(destination));
            }
        }

        return new MountSet(mounts, root, RelativeEntry(first, root));
    }

    /// <summary>
    /// The entry path relative to the model root. An image mounted without subpath (podman before 5.1) has the
    /// model under DEST/models, so that prefix belongs to the mount, not to the model.
    /// </summary>
    private static string? RelativeEntry(ModelMount mount, string root)
    {
        if (mount.EntryPath is not string entry)
        {
            return null;
        }

        var modelRoot = mount.Type == "image" && mount.SubPath is null ? root + "/" + ModelImage.ModelsDirectory : root;
        return entry.StartsWith(modelRoot + "/", StringComparison.Ordinal) ? entry.Substring(modelRoot.Length + 1) : null;
    }
}
