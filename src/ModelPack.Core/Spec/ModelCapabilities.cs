using System;
using System.Collections.Generic;

namespace ModelPack.Core.Spec;

/// <summary>The config's <c>config.capabilities</c>.</summary>
public sealed class ModelCapabilities
{
    /// <summary>The modalities the schema allows in inputTypes and outputTypes.</summary>
    public static readonly IReadOnlyList<string> Modalities = new[] { "text", "image", "audio", "video", "embedding", "other" };

    public IList<string> InputTypes { get; set; } = new List<string>();

    public IList<string> OutputTypes { get; set; } = new List<string>();

    public DateTimeOffset? KnowledgeCutoff { get; set; }

    public bool? Reasoning { get; set; }

    public bool? ToolUsage { get; set; }

    public bool? Reward { get; set; }

    public IList<string> Languages { get; set; } = new List<string>();
}
