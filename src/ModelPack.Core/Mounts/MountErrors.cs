using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Mounts;

/// <summary>The failures mounts and their renderings report, worded once.</summary>
internal static class MountErrors
{
    public static ModelPackException NotInLocalStore(ModelArtifact artifact) => new(
        ErrorIds.ModelArtifactNotInStore,
        ErrorKind.InvalidArgument,
        $"'{artifact.Reference}' is a {artifact.Strategy} artifact, not one in the local store, so there is no snapshot to bind-mount. Run Save-ModelArtifact '{artifact.Reference}' first, then mount the stored copy.",
        artifact.Reference);

    public static ModelPackException SnapshotMissing(string reference, string source) => new(
        ErrorIds.PathNotFound,
        ErrorKind.ObjectNotFound,
        $"The snapshot of '{reference}' ({source}) is missing. Run Save-ModelArtifact '{reference}' -Force to rebuild it.",
        source);

    public static ModelPackException ControlCharacterInMount(string value, string reference) => new(
        ErrorIds.UnmountablePath,
        ErrorKind.InvalidOperation,
        $"The path {DisplayText.Quote(value)} of '{reference}' contains a control character, which a --mount option cannot carry. Use a path without control characters (for the local store: point MODELPACK_STORE elsewhere and save the model again).",
        value);

    public static ModelPackException ControlCharacterInUnit(string value) =>
        new(ErrorIds.UnmountablePath, ErrorKind.InvalidOperation, $"{DisplayText.Quote(value)} contains a control character, which a quadlet unit cannot carry.", value);

    public static ModelPackException InvalidDestination(string? destination, string reason) =>
        new(ErrorIds.InvalidMountDestination, ErrorKind.InvalidArgument, $"The mount destination {DisplayText.Quote(destination)} is not usable: {reason}", destination);

    public static ModelPackException InvalidUnitName(string? unitName, string message) =>
        new(ErrorIds.InvalidUnitName, ErrorKind.InvalidArgument, message, unitName);

    /// <param name="what">"container" or "volume".</param>
    public static ModelPackException NotADnsLabel(string errorId, string what, string? name, int maxLength) => new(
        errorId,
        ErrorKind.InvalidArgument,
        $"The Kubernetes {what} name {DisplayText.Quote(name)} is not a DNS-1123 label: use lower-case letters, digits and '-', starting and ending with a letter or digit, at most {maxLength} characters, for example 'model-server'.",
        name);
}
