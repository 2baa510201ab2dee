using ModelPack.Core.Spec;

namespace ModelPack.Core.Packing;

/// <summary>One progress report of a pack: a file's bytes, or the pack's overall stage.</summary>
public sealed class PackProgress
{
    public PackProgress(string reference, PackStage stage, string? filePath, LayerKind? kind, long fileBytesDone, long fileBytesTotal, int filesDone, int filesTotal, long bytesDone, long bytesTotal)
    {
        Reference = reference;
        Stage = stage;
        FilePath = filePath;
        Kind = kind;
        FileBytesDone = fileBytesDone;
        FileBytesTotal = fileBytesTotal;
        FilesDone = filesDone;
        FilesTotal = filesTotal;
        BytesDone = bytesDone;
        BytesTotal = bytesTotal;
    }

    public string Reference { get; }

    public PackStage Stage { get; }

    /// <summary>The model-relative path of the file being packed (null for pack-level stages).</summary>
    public string? FilePath { get; }

    public LayerKind? Kind { get; }

    public long FileBytesDone { get; }

    public long FileBytesTotal { get; }

    public int FilesDone { get; }

    public int FilesTotal { get; }

    /// <summary>Source bytes read so far, over all files.</summary>
    public long BytesDone { get; }

    public long BytesTotal { get; }
}
