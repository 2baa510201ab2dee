namespace ModelPack.Core.Packing;

/// <summary>What a path names once links are followed, as far as a pack cares.</summary>
internal enum SourceFileType
{
    /// <summary>The type could not be learned (Windows, an unsupported platform, or the call failed): treated as a regular file.</summary>
    Unknown,
    RegularFile,
    Directory,
    NamedPipe,
    Socket,
    CharacterDevice,
    BlockDevice,
}
