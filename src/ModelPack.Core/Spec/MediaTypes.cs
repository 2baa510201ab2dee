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
}
