using System;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Packing;

/// <summary>One source file a pack will read, with the kind it goes in as.</summary>
public sealed class PlannedFile
{
    /// <param name="path">The model-relative path.</param>
    /// <param name="sourcePath">Where the bytes are read from.</param>
    /// <param name="kind">The kind it is packed as.</param>
    /// <param name="size">Its size when the folder was scanned.</param>
    /// <remarks>The rest (untested, executable, modification time, dataset root) is set by the initializer.</remarks>
    internal PlannedFile(string path, string sourcePath, LayerKind kind, long size)
    {
        Path = path;
        SourcePath = sourcePath;
        Kind = kind;
        Size = size;
    }

    /// <summary>The model-relative path: '/' separators, Unicode NFC, checked by <see cref="LayerPath"/>.</summary>
    public string Path { get; }

    /// <summary>Where the bytes are read from (a link's path when it was followed).</summary>
    public string SourcePath { get; }

    public LayerKind Kind { get; }

    /// <summary>True when no rule, dataset path or override classified it (packed as doc, marked untested).</summary>
    public bool Untested { get; internal set; }

    public long Size { get; }

    /// <summary>Whether the file is executable for this user (Unix); recorded as mode 0755 instead of 0644.</summary>
    public bool Executable { get; internal set; }

    /// <summary>The time recorded for it: the request's fixed time, or the file's own when preserved.</summary>
    public DateTimeOffset ModificationTime { get; internal set; }

    /// <summary>The listed dataset directory the file belongs to, if any.</summary>
    internal string? DatasetRoot { get; set; }

    public override string ToString() => $"{Path} ({Kind})";
}
