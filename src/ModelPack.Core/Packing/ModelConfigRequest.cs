using System;
using System.Collections.Generic;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Packing;

/// <summary>
/// The model config a pack writes: every value set here wins over the one in
/// <see cref="PackRequest.ConfigPath"/>; lists replace the file's lists when not empty. Nothing is
/// invented: <see cref="CreatedAt"/> is written only when given (here or in the file), so packing the
/// same files twice gives the same digest. <see cref="Format"/> is inferred from the weight files when
/// neither sets it.
/// </summary>
public sealed class ModelConfigRequest
{
    public string? Name { get; set; }

    public string? Family { get; set; }

    public string? Version { get; set; }

    public string? Revision { get; set; }

    public string? Title { get; set; }

    public string? Description { get; set; }

    public string? Vendor { get; set; }

    public string? DocUrl { get; set; }

    public string? SourceUrl { get; set; }

    public IList<string> DatasetsUrl { get; } = new List<string>();

    public IList<string> Authors { get; } = new List<string>();

    public IList<string> Licenses { get; } = new List<string>();

    public DateTimeOffset? CreatedAt { get; set; }

    public string? Format { get; set; }

    public string? ParamSize { get; set; }

    public string? Precision { get; set; }

    public string? Quantization { get; set; }

    public string? Architecture { get; set; }

    /// <summary>Replaces the file's capabilities when set.</summary>
    public ModelCapabilities? Capabilities { get; set; }
}
