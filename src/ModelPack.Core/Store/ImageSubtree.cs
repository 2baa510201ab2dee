using System;
using System.Linq;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Store;

/// <summary>
/// The part of an image layer a snapshot takes: entries under one directory of the image root (<c>/models</c>),
/// re-rooted there. Whiteouts under it cannot be applied to a snapshot and are refused.
/// </summary>
internal static class ImageSubtree
{
    private const string WhiteoutPrefix = ".wh.";

    /// <summary>
    /// Re-roots an image entry under <paramref name="root"/>: false when it lies outside (skip it). The name
    /// becomes relative to the root; a hard link's target likewise; a symbolic link's absolute target under
    /// the root becomes relative to the link's directory.
    /// </summary>
    public static bool Rebase(string root, string layerDigest, TarEntryKind kind, ref string name, ref string? linkTarget)
    {
        var inside = Inside(name, root);
        if (inside is null)
        {
            return false;
        }

        var shown = "/" + root + (inside.Length == 0 ? string.Empty : "/" + inside);
        if (inside.Length == 0 && kind != TarEntryKind.Directory)
        {
            throw UnsupportedImage(layerDigest, shown, $"the image's /{root} is not a directory; models packaged as images keep their files in a /{root} directory.");
        }

        var lastSegment = inside.Substring(inside.LastIndexOf('/') + 1);
        if (lastSegment.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            throw UnsupportedImage(layerDigest, shown, $"it is a whiteout (a later layer deletes or replaces files under /{root}), which a snapshot cannot apply. Rebuild the image so that /{root} is written once, for example with a single COPY.");
        }

        if (kind == TarEntryKind.HardLink)
        {
            linkTarget = Inside(linkTarget ?? string.Empty, root) is { Length: > 0 } target
                ? target
                : throw SnapshotErrors.Unsafe(layerDigest, shown, $"it is a hard link to '{linkTarget}', outside the image's /{root}.");
        }
        else if (kind == TarEntryKind.SymbolicLink && linkTarget is not null && linkTarget.StartsWith("/", StringComparison.Ordinal))
        {
            var target = Inside(linkTarget, root);
            if (target is not null)
            {
                var depth = inside.Split('/').Length - 1;
                var up = string.Concat(Enumerable.Repeat("../", depth));
                linkTarget = target.Length == 0 ? (depth == 0 ? "." : up.TrimEnd('/')) : up + target;
            }
        }

        name = inside;
        return true;
    }

    /// <summary>The path below <paramref name="root"/> ("" for the root itself), or null when it is elsewhere.</summary>
    private static string? Inside(string path, string root)
    {
        var trimmed = path;
        while (trimmed.StartsWith("./", StringComparison.Ordinal) || trimmed.StartsWith("/", StringComparison.Ordinal))
        {
            trimmed = trimmed.Substring(trimmed[0] == '/' ? 1 : 2);
        }

        if (string.Equals(trimmed, root, StringComparison.Ordinal) || string.Equals(trimmed, root + "/", StringComparison.Ordinal))
        {
            return string.Empty;
        }

        return trimmed.StartsWith(root + "/", StringComparison.Ordinal) ? trimmed.Substring(root.Length + 1).TrimEnd('/') : null;
    }

    private static ModelPackException UnsupportedImage(string layerDigest, string entryName, string reason) => new(
        ErrorIds.UnsupportedImageContent,
        ErrorKind.InvalidData,
        $"Cannot use '{entryName}' in image layer {layerDigest}: {reason}",
        entryName);
}
