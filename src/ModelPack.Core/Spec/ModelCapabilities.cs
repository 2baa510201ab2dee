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

    /// <summary>What is set, e.g. "inputs text, image; outputs text; reasoning; tool usage; languages en, fr".</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (InputTypes.Count > 0)
        {
            parts.Add("inputs " + string.Join(", ", InputTypes));
        }

        if (OutputTypes.Count > 0)
        {
            parts.Add("outputs " + string.Join(", ", OutputTypes));
        }

        if (KnowledgeCutoff is DateTimeOffset cutoff)
        {
            parts.Add("knowledge cutoff " + cutoff.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }

        AddFlag(parts, Reasoning, "reasoning");
        AddFlag(parts, ToolUsage, "tool usage");
        AddFlag(parts, Reward, "reward");
        if (Languages.Count > 0)
        {
            parts.Add("languages " + string.Join(", ", Languages));
        }

        return parts.Count == 0 ? "(none declared)" : string.Join("; ", parts);
    }

    private static void AddFlag(List<string> parts, bool? flag, string name)
    {
        if (flag is bool value)
        {
            parts.Add(value ? name : "no " + name);
        }
    }
}
