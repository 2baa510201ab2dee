namespace ModelPack.Core.Store;

/// <summary>How <see cref="FileMaterializer.LinkOrCopy"/> made a blob's content appear at a path.</summary>
public enum MaterializeMethod
{
    /// <summary>A hard link: same file, no extra space, no copying.</summary>
    HardLink,

    /// <summary>A full copy, because the file system refused the link.</summary>
    Copy,
}
