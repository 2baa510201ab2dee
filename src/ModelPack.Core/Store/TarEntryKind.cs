namespace ModelPack.Core.Store;

/// <summary>What a tar entry is, from its header's typeflag.</summary>
internal enum TarEntryKind
{
    RegularFile,
    Directory,
    SymbolicLink,
    HardLink,
    CharacterDevice,
    BlockDevice,
    Fifo,

    /// <summary>A pax extended header that carries metadata for the archive, not a file.</summary>
    Metadata,

    /// <summary>Anything else (GNU sparse files, volume labels, vendor types): refused.</summary>
    Other,
}
