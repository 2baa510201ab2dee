using System;
using System.Collections.Generic;

namespace ModelPack.Core.Spec;

/// <summary>The config's <c>descriptor</c>: who made the model and what it is called.</summary>
public sealed class ModelDescriptor
{
    public DateTimeOffset? CreatedAt { get; set; }

    public IList<string> Authors { get; set; } = new List<string>();

    public string? Family { get; set; }

    public string? Name { get; set; }

    public string? DocUrl { get; set; }

    public string? SourceUrl { get; set; }

    public IList<string> DatasetsUrl { get; set; } = new List<string>();

    public string? Version { get; set; }

    public string? Revision { get; set; }

    public string? Vendor { get; set; }

    public IList<string> Licenses { get; set; } = new List<string>();

    public string? Title { get; set; }

    public string? Description { get; set; }

    /// <summary>The name (else the title), the version and, in parentheses, the family: "llama 3.1 (llama)".</summary>
    public override string ToString()
    {
        var name = Name ?? Title ?? "(unnamed)";
        var version = string.IsNullOrEmpty(Version) ? string.Empty : " " + Version;
        var family = string.IsNullOrEmpty(Family) ? string.Empty : $" ({Family})";
        return name + version + family;
    }
}
