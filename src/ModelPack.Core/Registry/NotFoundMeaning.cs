namespace ModelPack.Core.Registry;

/// <summary>What a 404 means for the request that got it, which decides the ErrorId.</summary>
internal enum NotFoundMeaning
{
    /// <summary>A manifest or tag: ModelArtifactNotFound.</summary>
    Manifest,

    /// <summary>A blob: BlobNotFound.</summary>
    Blob,

    /// <summary>A repository (tags list): ModelArtifactNotFound.</summary>
    Repository,

    /// <summary>Anything else: RegistryError.</summary>
    Other,
}
