using System;
using System.Text;
using System.Collections.Generic;

namespace ModelPack.Core.Mounts.Rendering;

/// <summary>
/// Writes a model's mounts as a Kubernetes pod spec fragment (YAML) to merge into a Pod, Deployment or Job:
/// a volume, the container's read-only volumeMount, and <c>MODELPACK_ENTRY_PATH</c> in its env.
/// </summary>
/// <remarks>
/// Registry references (PodmanArtifact, PodmanImage) become an <c>image</c> volume
/// (<c>{reference, pullPolicy: IfNotPresent}</c>, the ImageVolume feature): the node's runtime pulls the
/// artifact or image itself. A model packaged as an image is mounted with <c>subPath: models</c> (image
/// volumes take subPath from Kubernetes 1.33), so the model is at the mount path as with podman 5.1 or
/// later. HttpBind becomes a <c>hostPath</c> volume of the snapshot directory (type Directory), which
/// only works on the node that holds the store. Every string is double-quoted.
/// </remarks>
public static class KubernetesRendering
{
    /// <summary>The container the fragment mounts the model into unless the caller names one.</summary>
    public const string DefaultContainerName = "model-server";

    /// <param name="mounts">One model's mounts, from <c>IModelStrategy.Mounts</c>.</param>
    /// <param name="destination">The destination the mounts were made for; required for artifact mounts (one per file), checked for the others.</param>
    /// <param name="containerName">The container to merge the mount into, a DNS-1123 label; null for <see cref="DefaultContainerName"/>.</param>
    /// <param name="volumeName">The volume's name, a DNS-1123 label; default: <see cref="UnitNames.VolumeName"/> of the repository's last component ("model-tiny").</param>
    /// <exception cref="Errors.ModelPackException">
    /// <see cref="Errors.ErrorIds.InvalidContainerName"/> or <see cref="Errors.ErrorIds.InvalidVolumeName"/> (InvalidArgument) for a name Kubernetes would reject.
    /// </exception>
    public static string Render(IReadOnlyList<ModelMount> mounts, string? destination = null, string? containerName = DefaultContainerName, string? volumeName = null)
    {
        var container = KubernetesNames.CheckContainerName(containerName ?? DefaultContainerName);
        var volume = volumeName is null ? null : KubernetesNames.CheckVolumeName(volumeName);
        var set = MountSet.From(mounts, destination);
        volume ??= UnitNames.VolumeName(UnitNames.FromReference(set.Reference));
        var entryPath = set.EntryRelative is string relative ? set.Destination + "/" + relative : null;
        var yaml = new StringBuilder();
        yaml.Append("# ModelPack: ").Append(YamlText.Comment(set.Reference)).Append(" (strategy ").Append(set.Strategy).Append(") at ").Append(YamlText.Comment(set.Destination))
            .Append(entryPath is null ? "." : "; main weight file " + YamlText.Comment(entryPath) + ".").Append('\n');
        yaml.Append("# Merge into your pod spec: the volume into spec.volumes, the mount and env into your container.\n");
        yaml.Append("spec:\n");
        yaml.Append("  volumes:\n");
        yaml.Append("    - name: ").Append(YamlText.Quote(volume)).Append('\n');
        switch (set.Type)
        {
            case "bind":
                yaml.Append("      hostPath:\n");
                yaml.Append("        path: ").Append(YamlText.Quote(set.First.Source)).Append('\n');
                yaml.Append("        type: ").Append(YamlText.Quote("Directory")).Append('\n');
                break;
            case "image":
            case "artifact":
                yaml.Append("      image:\n");
                yaml.Append("        reference: ").Append(YamlText.Quote(set.Reference)).Append('\n');
                yaml.Append("        pullPolicy: ").Append(YamlText.Quote("IfNotPresent")).Append('\n');
                break;
            default:
                throw new ArgumentException($"Mount type '{set.Type}' has no Kubernetes form.", nameof(mounts));
        }

        yaml.Append("  containers:\n");
        yaml.Append("    - name: ").Append(YamlText.Quote(container)).Append('\n');
        yaml.Append("      volumeMounts:\n");
        yaml.Append("        - name: ").Append(YamlText.Quote(volume)).Append('\n');
        yaml.Append("          mountPath: ").Append(YamlText.Quote(set.Destination)).Append('\n');
        yaml.Append("          readOnly: true\n");
        if (set.Type == "image")
        {
            yaml.Append("          subPath: ").Append(YamlText.Quote(Images.ModelImage.ModelsDirectory)).Append('\n');
        }

        if (entryPath is not null)
        {
            yaml.Append("      env:\n");
            yaml.Append("        - name: ").Append(YamlText.Quote(QuadletRendering.EntryPathVariable)).Append('\n');
            yaml.Append("          value: ").Append(YamlText.Quote(entryPath)).Append('\n');
        }

        return yaml.ToString();
    }
}
