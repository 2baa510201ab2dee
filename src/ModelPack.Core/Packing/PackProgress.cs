using ModelPack.Core.Spec;

namespace ModelPack.Core.Packing;

/// <summary>One progress report of a pack: a file's bytes, or the pack's overall stage.</summary>
public sealed class PackProgress
{
    /// <param name="reference">The artifact being packed.</param>
    /// <param name="stage">What the pack is doing.</param>
    /// <remarks>The file and the counts are set by the initializer.</remarks>
    internal PackProgress(string reference, PackStage stage)
    {
        Reference = reference;
        Stage = stage;
    }

    public string Reference { get; }

    public PackStage Stage { get; }

    /// <summary>The model-relative path of the file being packed (null for pack-level stages).</summary>
    public string? FilePath { get; internal set; }

    public LayerKind? Kind { get; internal set; }

    public long FileBytesDone { get; internal set; }

    public long FileBytesTotal { get; internal set; }

    public int FilesDone { get; internal set; }

    public int FilesTotal { get; internal set; }

    /// <summary>Source bytes read so far, over all files.</summary>
    public long BytesDone { get; internal set; }

    public long BytesTotal { get; internal set; }
}
