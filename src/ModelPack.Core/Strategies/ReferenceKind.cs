namespace ModelPack.Core.Strategies;

/// <summary>How a model is packaged in the registry, which decides the strategies that can mount it.</summary>
public enum ReferenceKind
{
    /// <summary>A ModelPack artifact (model config and layers under the CNCF ModelPack media types).</summary>
    Artifact,

    /// <summary>An ordinary container image carrying the model files (under <c>/models</c>).</summary>
    Image,
}
