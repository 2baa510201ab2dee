namespace ModelPack.Core.Spec;

/// <summary>Media types of the OCI image spec and the CNCF ModelPack model format.</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayerTar = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerTarGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerTarZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string DockerManifestV2 = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerImageConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerTarGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>The artifactType of every ModelPack manifest.</summary>
    public const string ModelArtifact = "application/vnd.cncf.model.manifest.v1+json";

    /// <summary>The media type of the ModelPack config blob.</summary>
    public const string ModelConfig = "application/vnd.cncf.model.config.v1+json";

    internal const string ModelLayerPrefix = "application/vnd.cncf.model.";

    /// <summary>The artifactType before the spec's mid-2025 rename (dragonflyoss/model-spec, <c>vnd.cnai</c>).</summary>
    public const string LegacyModelArtifact = "application/vnd.cnai.model.manifest.v1+json";

    /// <summary>The config media type before the spec's mid-2025 rename.</summary>
    public const string LegacyModelConfig = "application/vnd.cnai.model.config.v1+json";

    /// <summary>The OCI empty descriptor's media type: the config of <c>podman artifact add</c> artifacts.</summary>
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    internal const string LegacyModelLayerPrefix = "application/vnd.cnai.model.";

    /// <summary>Whether a config media type is the ModelPack config's, current or earlier name.</summary>
    public static bool IsModelConfig(string? mediaType) =>
        string.Equals(mediaType, ModelConfig, System.StringComparison.Ordinal) ||
        string.Equals(mediaType, LegacyModelConfig, System.StringComparison.Ordinal);

    /// <summary>Whether an artifactType is the ModelPack manifest's, current or earlier name.</summary>
    public static bool IsModelArtifactType(string? artifactType) =>
        string.Equals(artifactType, ModelArtifact, System.StringComparison.Ordinal) ||
        string.Equals(artifactType, LegacyModelArtifact, System.StringComparison.Ordinal);
}
