using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Packing;

/// <summary>One layer a pack will write: a single file, or (tar packing of a listed dataset directory) a directory's files.</summary>
public sealed class PlannedLayer
{
    internal PlannedLayer(string path, LayerKind kind, LayerPacking packing, IReadOnlyList<PlannedFile> files, bool isDirectory)
    {
        Path = path;
        Kind = kind;
        Packing = packing;
        Files = files;
        IsDirectory = isDirectory;
    }

    /// <summary>The layer's <c>org.cncf.model.filepath</c>: the file's path, or the dataset directory's.</summary>
    public string Path { get; }

    public LayerKind Kind { get; }

    public LayerPacking Packing { get; }

    public string MediaType => LayerMediaType.Format(Kind, Packing);

    /// <summary>The files in the layer, in the order they are written (ordinal by path).</summary>
    public IReadOnlyList<PlannedFile> Files { get; }

    public bool IsDirectory { get; }

    public bool Untested => Files.Any(f => f.Untested);

    /// <summary>Bytes of source data (not the blob's size, which tar headers and compression change).</summary>
    public long SourceSize => Files.Sum(f => f.Size);

    public override string ToString() => $"{Path} ({MediaType})";
}
