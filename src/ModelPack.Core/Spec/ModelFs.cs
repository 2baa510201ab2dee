using System.Collections.Generic;

namespace ModelPack.Core.Spec;

/// <summary>The config's <c>modelfs</c>: the uncompressed digests of the layers, in order.</summary>
public sealed class ModelFs
{
    public const string LayersType = "layers";

    public string Type { get; set; } = LayersType;

    public IList<string> DiffIds { get; set; } = new List<string>();

    /// <summary>"layers, 3 diffIds".</summary>
    public override string ToString() => $"{Type}, {DiffIds.Count} diffId{(DiffIds.Count == 1 ? string.Empty : "s")}";
}
