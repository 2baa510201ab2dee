using System.Collections.Generic;

namespace ModelPack.Core.Spec;

/// <summary>The config's <c>config</c> object: how the model's weights are shaped and stored.</summary>
public sealed class ModelSettings
{
    public string? Architecture { get; set; }

    public string? Format { get; set; }

    public string? ParamSize { get; set; }

    public string? Precision { get; set; }

    public string? Quantization { get; set; }

    public ModelCapabilities? Capabilities { get; set; }

    /// <summary>Architecture, format, parameter size, precision and quantization, those that are set: "llama, gguf, 8b parameters, bf16, q4_0".</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        AddIfSet(parts, Architecture);
        AddIfSet(parts, Format);
        AddIfSet(parts, string.IsNullOrEmpty(ParamSize) ? null : ParamSize + " parameters");
        AddIfSet(parts, Precision);
        AddIfSet(parts, Quantization);
        return parts.Count == 0 ? "(no format, size, precision or quantization given)" : string.Join(", ", parts);
    }

    private static void AddIfSet(List<string> parts, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parts.Add(value!);
        }
    }
}
