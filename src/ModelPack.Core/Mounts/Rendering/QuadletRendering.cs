using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Mounts.Rendering;

/// <summary>
/// Writes a model's mounts as podman quadlet units (podman-systemd.unit(5)): a <c>NAME.container</c> with the
/// <c>Mount=</c> lines (plus the entry path as <c>Environment=MODELPACK_ENTRY_PATH=...</c>) to merge into the
/// container unit that runs the inference server, and the unit that pulls the model: <c>NAME.artifact</c>
/// (<c>[Artifact]</c> <c>Artifact=REF</c>, podman 5.7) for PodmanArtifact, or <c>NAME.image</c>
/// (<c>[Image]</c> <c>Image=REF</c>) for PodmanImage. HttpBind needs no pull unit: the snapshot is already
/// on the host.
/// </summary>
/// <remarks>
/// An image mount names the <c>.image</c> unit as its source (<c>source=NAME.image</c>), which quadlet
/// documents: it uses that unit's image and orders the container after it. For artifacts the mount names
/// the reference and the container unit requires and follows <c>NAME-artifact.service</c>, the service quadlet
/// generates for <c>NAME.artifact</c>. A registry that needs plain HTTP or unverified TLS (loopback, or named
/// insecure) gets <c>TLSVerify=false</c> in the pull unit: podman, unlike ModelPack, does not allow loopback
/// registries by itself. Values are quoted as systemd reads them: '%' doubled (systemd specifiers), and a value
/// with blanks, '"' or '\' in double quotes with those escaped; mount fields with ',' or '"' are quoted CSV fields.
/// </remarks>
public static class QuadletRendering
{
    /// <summary>The environment variable that carries the main weight file's path, in quadlet and Kubernetes renderings.</summary>
    public const string EntryPathVariable = "MODELPACK_ENTRY_PATH";

    /// <param name="mounts">One model's mounts, from <c>IModelStrategy.Mounts</c> for a podman engine (or none).</param>
    /// <param name="destination">The destination the mounts were made for; required for artifact mounts (one per file), checked for the others.</param>
    /// <param name="unitName">The base name of the unit files, checked by <see cref="UnitNames.Check"/> (InvalidUnitName); default: the repository's last component.</param>
    /// <param name="tlsVerify">False for a registry reached over plain HTTP or unverified TLS: the pull unit then says <c>TLSVerify=false</c>.</param>
    /// <returns>The container unit first, then the pull unit, if any.</returns>
    public static IReadOnlyList<QuadletFile> Render(IReadOnlyList<ModelMount> mounts, string? destination = null, string? unitName = null, bool tlsVerify = true)
    {
        var set = MountSet.From(mounts, destination);
        var name = unitName is null ? UnitNames.FromReference(set.Reference) : UnitNames.Check(unitName);
        var files = new List<QuadletFile>();
        var container = new StringBuilder();
        container.Append("# Model mounts from ModelPack: ").Append(Comment(set.Reference)).Append(" (strategy ").Append(set.Strategy).Append(").\n");
        container.Append("# Merge into the .container unit of the program that reads the model; it still needs Image= (and Exec=).\n");
        string? pullUnit = null;
        var tls = tlsVerify ? string.Empty : "TLSVerify=false\n";
        switch (set.Type)
        {
            case "artifact":
                pullUnit = name + ".artifact";
                files.Add(new QuadletFile(pullUnit, "# Pulls the model " + Comment(set.Reference) + " into podman's artifact store (podman 5.7 or later).\n[Artifact]\nArtifact=" + Value(set.Reference) + "\n" + tls));
                container.Append("\n[Unit]\n");
                container.Append("Requires=").Append(name).Append("-artifact.service\n");
                container.Append("After=").Append(name).Append("-artifact.service\n");
                break;
            case "image":
                pullUnit = name + ".image";
                files.Add(new QuadletFile(pullUnit, "# Pulls the model image " + Comment(set.Reference) + ".\n[Image]\nImage=" + Value(set.Reference) + "\n" + tls));
                break;
            case "bind":
                break;
            default:
                throw new ArgumentException($"Mount type '{set.Type}' has no quadlet form.", nameof(mounts));
        }

        container.Append("\n[Container]\n");
        foreach (var mount in set.Mounts)
        {
            container.Append("Mount=").Append(Value(MountValue(mount, pullUnit))).Append('\n');
        }

        if (set.EntryRelative is string entry)
        {
            container.Append("Environment=").Append(Value(EntryPathVariable + "=" + EntryPath(set, entry))).Append('\n');
        }

        files.Insert(0, new QuadletFile(name + ".container", container.ToString()));
        return files;
    }

    /// <summary>The entry path in the container the mounts make (image mounts without subpath keep /models).</summary>
    private static string EntryPath(MountSet set, string entry) => set.First.EntryPath ?? set.Destination + "/" + entry;

    /// <summary>The option list of a mount in podman's syntax (quadlet runs podman, whatever engine the mount was made for).</summary>
    private static string MountValue(ModelMount mount, string? pullUnit) => mount.Type switch
    {
        "bind" => $"type=bind,{MountText.Field("src", mount.Source, mount.Reference)},destination={mount.Destination},ro",
        "image" => $"type=image,source={pullUnit},destination={mount.Destination}" + (mount.SubPath is null ? string.Empty : ",subpath=" + mount.SubPath) + ",rw=false",
        _ => $"type=artifact,{MountText.Field("src", mount.Source, mount.Reference)},digest={ArtifactDigest(mount)},{MountText.Field("destination", mount.Destination, mount.Reference)}",
    };

    private static string ArtifactDigest(ModelMount mount)
    {
        const string Key = ",digest=";
        var start = mount.Argument.IndexOf(Key, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new ArgumentException($"The artifact mount '{mount.Argument}' names no layer digest.", nameof(mount));
        }

        start += Key.Length;
        var end = mount.Argument.IndexOf(',', start);
        return end < 0 ? mount.Argument.Substring(start) : mount.Argument.Substring(start, end - start);
    }

    /// <summary>A value as systemd reads it: specifiers escaped; in double quotes, with '"' and '\' escaped, when it has blanks, quotes or backslashes.</summary>
    private static string Value(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw MountErrors.ControlCharacterInUnit(value);
            }
        }

        var escaped = value.Replace("%", "%%");
        if (!escaped.Any(c => char.IsWhiteSpace(c) || c == '"' || c == '\\'))
        {
            return escaped;
        }

        return "\"" + escaped.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }

    private static string Comment(string text) => DisplayText.EscapeControls(text);
}
