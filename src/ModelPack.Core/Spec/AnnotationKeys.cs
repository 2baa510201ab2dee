namespace ModelPack.Core.Spec;

/// <summary>Annotation keys the ModelPack and OCI specs define for layers and indexes.</summary>
public static class AnnotationKeys
{
    /// <summary>Relative path of the file (or directory, for tar layers) a layer holds.</summary>
    public const string Filepath = "org.cncf.model.filepath";

    /// <summary>JSON <see cref="FileMetadata"/> of the packed file.</summary>
    public const string FileMetadata = "org.cncf.model.file.metadata+json";

    /// <summary>"true" when the file's media type was not checked by the packer.</summary>
    public const string MediaTypeUntested = "org.cncf.model.file.mediatype.untested";

    /// <summary>OCI title: podman names a mounted artifact blob by it.</summary>
    public const string Title = "org.opencontainers.image.title";

    /// <summary>The tag of a manifest inside an OCI image layout's index.json.</summary>
    public const string RefName = "org.opencontainers.image.ref.name";

    public const string Created = "org.opencontainers.image.created";

    /// <summary><see cref="Filepath"/> before the spec's mid-2025 rename (<c>org.cnai</c>); modctl wrote it until then.</summary>
    public const string LegacyFilepath = "org.cnai.model.filepath";

    /// <summary><see cref="FileMetadata"/> before the rename.</summary>
    public const string LegacyFileMetadata = "org.cnai.model.file.metadata+json";

    /// <summary><see cref="MediaTypeUntested"/> before the rename.</summary>
    public const string LegacyMediaTypeUntested = "org.cnai.model.file.mediatype.untested";
}
