namespace ModelPack.Core.Errors;

/// <summary>The documented ErrorIds. Cmdlets use these as FullyQualifiedErrorId prefixes.</summary>
public static class ErrorIds
{
    public const string ModelSpecViolation = "ModelSpecViolation";
    public const string InvalidReference = "InvalidModelReference";
    public const string ModelArtifactNotFound = "ModelArtifactNotFound";
    public const string LayoutNotFound = "OciLayoutNotFound";
    public const string InvalidLayout = "InvalidOciLayout";
    public const string BlobNotFound = "BlobNotFound";
    public const string DigestMismatch = "DigestMismatch";
    public const string SizeMismatch = "SizeMismatch";
    public const string UnsupportedDigest = "UnsupportedDigestAlgorithm";
    public const string InvalidDigest = "InvalidDigest";
    public const string UnsafeLayerPath = "UnsafeLayerPath";
    public const string LayerPathConflict = "LayerPathConflict";
    public const string InvalidLayerArchive = "InvalidLayerArchive";
    public const string MissingLayerPath = "MissingLayerPath";
    public const string PathNotFound = "PathNotFound";
    public const string RegistryAuthenticationFailed = "RegistryAuthenticationFailed";
    public const string RegistryPermissionDenied = "RegistryPermissionDenied";
    public const string RegistryUnreachable = "RegistryUnreachable";
    public const string RegistryError = "RegistryError";
    public const string ManifestTooLarge = "ManifestTooLarge";
    public const string InsecureRegistryRefused = "InsecureRegistryRefused";
    public const string RegistryCertificateUntrusted = "RegistryCertificateUntrusted";
    public const string StrategyUnavailable = "StrategyUnavailable";
    public const string NotAModelArtifact = "NotAModelArtifact";
    public const string PathConflict = "PathConflict";
    public const string StoreLocked = "StoreLocked";
    public const string InvalidConfiguration = "InvalidConfiguration";
    public const string ContainerEngineNotFound = "ContainerEngineNotFound";
    public const string UnsupportedContainerEngine = "UnsupportedContainerEngine";
    public const string ProcessStartFailed = "ProcessStartFailed";
    public const string ProcessTimedOut = "ProcessTimedOut";
    public const string ModelArtifactNotInStore = "ModelArtifactNotInStore";
    public const string InvalidMountDestination = "InvalidMountDestination";
    public const string UnmountablePath = "UnmountablePath";
    public const string ContainerEngineFailed = "ContainerEngineFailed";
    public const string UnsupportedImageContent = "UnsupportedImageContent";
    public const string InvalidUnitName = "InvalidUnitName";
    public const string UnitNameConflict = "UnitNameConflict";
    public const string InvalidContainerName = "InvalidContainerName";
    public const string InvalidVolumeName = "InvalidVolumeName";
    public const string ParameterNotApplicable = "ParameterNotApplicable";
    public const string ModelStoreAccessFailed = "ModelStoreAccessFailed";
    public const string EmptyModelFolder = "EmptyModelFolder";
    public const string EmptyWeightFile = "EmptyWeightFile";
    public const string LinkOutsideModel = "LinkOutsideModel";
    public const string UnreadableModelFile = "UnreadableModelFile";
    public const string UnsupportedModelFile = "UnsupportedModelFile";
    public const string ModelFileNameCollision = "ModelFileNameCollision";
    public const string UnclassifiedModelFile = "UnclassifiedModelFile";
    public const string InvalidPackOption = "InvalidPackOption";
    public const string RepairNotPossible = "RepairNotPossible";
    public const string ModelArtifactExists = "ModelArtifactExists";
}
