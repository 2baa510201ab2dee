using System;
using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Packing;

/// <summary>The failures packing reports about its input, worded once. Each names every offending path.</summary>
internal static class PackErrors
{
    private const int MaxListed = 20;

    public static ModelPackException SourceNotAFolder(string root, bool isFile) => new(
        ErrorIds.PathNotFound,
        isFile ? ErrorKind.InvalidArgument : ErrorKind.ObjectNotFound,
        isFile ? $"'{root}' is a file; point at the folder that holds the model's files." : $"The folder '{root}' does not exist.",
        root);

    public static ModelPackException DatasetMissing(string? path, string root) =>
        new(ErrorIds.PathNotFound, ErrorKind.ObjectNotFound, $"The dataset path '{path}' does not exist in '{root}'.", path);

    public static ModelPackException ConfigFileMissing(string path, Exception inner) =>
        new(ErrorIds.PathNotFound, ErrorKind.ObjectNotFound, $"The config file '{path}' does not exist.", path, inner);

    public static ModelPackException ConfigFileUnreadable(string path, Exception inner) =>
        new(ErrorIds.UnreadableModelFile, ErrorKind.PermissionDenied, $"The config file '{path}' cannot be read: {inner.Message}", path, inner);

    public static ModelPackException FileUnreadable(PlannedFile file, Exception inner) =>
        new(ErrorIds.UnreadableModelFile, ErrorKind.PermissionDenied, $"Cannot read '{file.Path}' ({file.SourcePath}) to pack it: {inner.Message}", file.Path, inner);

    public static ModelPackException FileChanged(PlannedFile file, string what) => new(
        ErrorIds.SizeMismatch,
        ErrorKind.InvalidData,
        $"'{file.Path}' changed while it was being packed: {what}. Let whatever writes to the folder finish, then pack again. Nothing was stored.",
        file.Path);

    public static ModelPackException ManifestTooLarge(string reference, long size, int layers, long limit) => new(
        ErrorIds.ManifestTooLarge,
        ErrorKind.InvalidArgument,
        $"The manifest for '{reference}' would have {size} bytes ({layers} layers), more than the {limit} registries accept. Pack datasets as tar (one layer per listed directory) or exclude files.",
        reference);

    public static ModelPackException LinksOutside(string root, IReadOnlyList<(string Path, string Target)> links) => new(
        ErrorIds.LinkOutsideModel,
        ErrorKind.SecurityError,
        $"Refusing to pack '{root}': {Count(links.Count, "symbolic link")} {(links.Count == 1 ? "points" : "point")} outside the folder:{List(links.Select(l => $"{l.Path} -> {l.Target}"))}" +
        " Copy the files into the folder, exclude the links, or allow following them (FollowLinksOutside) if you trust where they lead. Nothing was written.",
        links[0].Path);

    public static ModelPackException UnsafeNames(string root, IReadOnlyList<(string Path, string Reason)> names) => new(
        ErrorIds.UnsafeLayerPath,
        ErrorKind.InvalidArgument,
        $"Cannot pack '{root}': {Count(names.Count, "file name")} would be refused by every ModelPack consumer:{List(names.Select(n => $"{n.Path}: {n.Reason}"))}" +
        " Rename or exclude them. Nothing was written.",
        names[0].Path);

    public static ModelPackException Collisions(string root, IReadOnlyList<(string First, string Second)> pairs) => new(
        ErrorIds.ModelFileNameCollision,
        ErrorKind.InvalidArgument,
        $"Cannot pack '{root}': {Count(pairs.Count, "pair")} of paths name the same file on case-insensitive file systems (Windows, macOS) or after Unicode normalisation (NFC):{List(pairs.Select(p => $"'{p.First}' and '{p.Second}'"))}" +
        " Rename or exclude one of each pair. Nothing was written.",
        pairs[0].Second);

    public static ModelPackException Unreadable(string root, IReadOnlyList<(string Path, string Reason)> files) => new(
        ErrorIds.UnreadableModelFile,
        ErrorKind.PermissionDenied,
        $"Cannot pack '{root}': {Count(files.Count, "file")} cannot be read:{List(files.Select(f => $"{f.Path}: {f.Reason}"))}" +
        " Fix their permissions or exclude them. Nothing was written.",
        files[0].Path);

    public static ModelPackException SpecialFiles(string root, IReadOnlyList<(string Path, SourceFileType Type, string? LinkTarget)> files) => new(
        ErrorIds.UnsupportedModelFile,
        ErrorKind.InvalidData,
        $"Cannot pack '{root}': {Count(files.Count, "path")} {(files.Count == 1 ? "names" : "name")} something other than a regular file:{List(files.Select(f => $"{f.Path}: {Describe(f.Type, f.LinkTarget)}"))}" +
        " Reading a named pipe, socket or device blocks or never ends, and a model artifact holds only regular files. Exclude them (Exclude, e.g. '*.sock') or remove them from the folder. Nothing was written.",
        files[0].Path);

    public static ModelPackException EmptyWeights(string root, IReadOnlyList<string> files) => new(
        ErrorIds.EmptyWeightFile,
        ErrorKind.InvalidData,
        $"Cannot pack '{root}': {Count(files.Count, "weight file")} {(files.Count == 1 ? "is" : "are")} empty (0 bytes):{List(files)}" +
        " An empty weight file is almost always an unfinished download or a Git LFS pointer that was never fetched; fetch it, exclude it, or give it another kind. Nothing was written.",
        files[0]);

    public static ModelPackException Unclassified(string root, IReadOnlyList<string> files) => new(
        ErrorIds.UnclassifiedModelFile,
        ErrorKind.InvalidArgument,
        $"Cannot pack '{root}': no rule says what kind of file {(files.Count == 1 ? "this is" : "these are")}:{List(files)}" +
        " Give them a kind (KindOverrides, e.g. '*.xyz' = Weight), list them as datasets, exclude them, or pack unclassified files as docs. Nothing was written.",
        files[0]);

    public static ModelPackException EmptyFolder(string root, int skipped) => new(
        ErrorIds.EmptyModelFolder,
        ErrorKind.InvalidArgument,
        $"There is nothing to pack in '{root}'" + (skipped > 0 ? $": all {skipped} entries were left out (hidden, excluded, not included or skipped)." : ": it has no files.") +
        " Point at the folder that holds the model's files, or loosen Include/Exclude.",
        root);

    public static ModelPackException Option(string message, object? target) => new(
        ErrorIds.InvalidPackOption, ErrorKind.InvalidArgument, message, target);

    private static string Describe(SourceFileType type, string? linkTarget)
    {
        var what = type switch
        {
            SourceFileType.NamedPipe => "a named pipe (FIFO)",
            SourceFileType.Socket => "a Unix domain socket",
            SourceFileType.CharacterDevice => "a character device",
            SourceFileType.BlockDevice => "a block device",
            _ => "something other than a regular file",
        };
        return linkTarget is null ? what : $"a symbolic link to {what} ({linkTarget})";
    }

    private static string Count(int count, string noun) => count == 1 ? "one " + noun : $"{count} {noun}s";

    private static string List(IEnumerable<string> items)
    {
        var all = items.ToList();
        var shown = all.Take(MaxListed).Select(i => Environment.NewLine + "  " + i);
        var more = all.Count > MaxListed ? Environment.NewLine + $"  ... and {all.Count - MaxListed} more." : string.Empty;
        return string.Concat(shown) + more + Environment.NewLine;
    }
}
