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
}
