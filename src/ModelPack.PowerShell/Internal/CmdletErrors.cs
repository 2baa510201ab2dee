using System;
using System.Management.Automation;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Strategies;

namespace ModelPack.Internal;

/// <summary>The failures the cmdlets report themselves (Core words its own), worded once.</summary>
internal static class CmdletErrors
{
    // Any cmdlet that takes -Reference.
    public static ModelPackException NotFound(string value, string where, string hint) =>
        new(ErrorIds.ModelArtifactNotFound, ErrorKind.ObjectNotFound, $"No model artifact '{value}' in {where}. {hint}", value);

    // Get-ModelArtifact.
    public static ModelPackException RemoteNeedsReference() =>
        new(ErrorIds.InvalidReference, ErrorKind.InvalidArgument, "-Remote needs -Reference: the registry reference(s) to read, e.g. 'registry.example.com/models/tiny:v1'.");

    public static ModelPackException RemotePattern(string text) => new(
        ErrorIds.InvalidReference,
        ErrorKind.InvalidArgument,
        $"'{text}' has wildcard characters; registries cannot be searched by pattern, so -Remote needs an exact reference such as 'registry.example.com/models/tiny:v1'.",
        text);

    public static ModelPackException NotInLayout(string value, string root) =>
        new(ErrorIds.ModelArtifactNotFound, ErrorKind.ObjectNotFound, $"No model artifact '{value}' in '{root}'.", value);

    // Save-ModelArtifact.
    public static ModelPackException PathNeedsHttpBind(string source, StrategyName chosen) => new(
        ErrorIds.StrategyUnavailable,
        ErrorKind.ResourceUnavailable,
        $"-Path copies the model's files out of the local store, which only HttpBind fills, but {source} asks for {chosen}, which keeps models in podman's store. Use -Strategy HttpBind with -Path, or save without -Path.",
        chosen.ToString());

    public static ModelPackException PartialPullNeedsHttpBind(string source, StrategyName chosen) => new(
        ErrorIds.PartialPullNeedsHttpBind,
        ErrorKind.InvalidArgument,
        $"-Include, -Exclude and -Kind download only some of a model's files, which only the local store (HttpBind) can do, but {source} asks for {chosen}: podman pulls an artifact or image whole. Use -Strategy HttpBind with them, or save the whole model without them.",
        chosen.ToString());

    public static ModelPackException NoRegistryToPull(ModelArtifact artifact) => new(
        ErrorIds.InvalidReference,
        ErrorKind.InvalidArgument,
        $"'{artifact.Reference}' ({artifact.Strategy}) names no registry to download from. Pipe artifacts from Get-ModelArtifact -Remote, or pass -Reference 'registry/repository:tag'.",
        artifact.Reference);

    public static ModelPackException NothingToExport(string reference, string strategy) =>
        new(ErrorIds.StrategyUnavailable, ErrorKind.ResourceUnavailable, $"'{reference}' was saved with {strategy}, which leaves no files to export. Use -Strategy HttpBind with -Path.", reference);

    public static StoreFailure SaveFailed(string reference) =>
        new(ErrorCategory.WriteError, $"Saving '{reference}' failed while writing to the store or to -Path", reference);

    // Publish-ModelArtifact.
    public static ModelPackException NotInStore(string target, ErrorKind kind, string message) =>
        new(ErrorIds.ModelArtifactNotInStore, kind, message, target);

    public static StoreFailure PublishFailed(string reference, string storeRoot) =>
        new(ErrorCategory.ReadError, $"Publishing '{reference}' failed while reading the store '{storeRoot}'", reference);

    // New-ModelArtifact.
    public static ModelPackException AlreadyExists(string reference, ModelArtifact existing) =>
        new(ErrorIds.ModelArtifactExists, ErrorKind.InvalidOperation, $"'{reference}' already names {existing.Digest} in the store '{existing.StorePath}'. Use -Force to replace it, or choose another tag.", reference);

    public static ModelPackException DatasetOutside(string value, string source) =>
        new(ErrorIds.InvalidPackOption, ErrorKind.InvalidArgument, $"The dataset '{value}' is not inside the model folder '{source}'. Give a path relative to -Path, or move the dataset into the folder.", value);

    public static ModelPackException EmptyKindPattern(object key) =>
        new(ErrorIds.InvalidPackOption, ErrorKind.InvalidArgument, "-KindOverride has an empty path pattern. Use patterns such as '*.model' or 'extra/*.bin'.", key);

    public static ModelPackException UnknownKind(object key, object? raw) => new(
        ErrorIds.InvalidPackOption,
        ErrorKind.InvalidArgument,
        $"-KindOverride '{key}' = '{raw}' names no kind. Use one of: {string.Join(", ", Enum.GetNames(typeof(LayerKind)))}.",
        raw);

    public static StoreFailure PackFailed(string reference, string source, string storeRoot) =>
        new(ErrorCategory.WriteError, $"Packing '{reference}' failed while reading '{source}' or writing to the store '{storeRoot}'", source);

    // Test-ModelArtifact.
    public static ModelPackException RepairOutsideStore(ModelArtifact artifact) => new(
        ErrorIds.RepairNotPossible,
        ErrorKind.InvalidOperation,
        $"'{artifact.Reference}' is a {artifact.Strategy} artifact in '{artifact.StorePath}'; -Repair repairs only artifacts in the local store (HttpBind). Copy it again with your OCI tools instead.",
        artifact.Reference);

    public static ModelPackException RepairWithoutCopy(ModelArtifact artifact) => new(
        ErrorIds.RepairNotPossible,
        ErrorKind.InvalidOperation,
        $"'{artifact.Reference}' ({artifact.Strategy}) has no local copy to repair. Save it with Save-ModelArtifact first.",
        artifact.Reference);

    public static StoreFailure VerifyFailed(string reference, string storeRoot) =>
        new(ErrorCategory.WriteError, $"Verifying '{reference}' failed while reading or repairing the store '{storeRoot}'", reference);

    // Remove-ModelArtifact.
    public static ModelPackException NotRemovable(ModelArtifact artifact, string where) => new(
        ErrorIds.ModelArtifactNotInStore,
        ErrorKind.InvalidArgument,
        $"'{artifact.Reference}' is a {artifact.Strategy} artifact; Remove-ModelArtifact removes models from the stores of the strategies PodmanArtifact, PodmanImage and HttpBind (the local store).{where}",
        artifact.Reference);

    public static ModelPackException StoreOutOfReach(ModelArtifact artifact, StrategyName owner, string why) => new(
        ErrorIds.StrategyUnavailable,
        ErrorKind.ResourceUnavailable,
        $"'{artifact.Reference}' is in {owner}'s store, but {why}. Use -Engine to name the podman that holds it, or remove it with podman.",
        artifact.Reference);

    public static ModelPackException NoStoreFolder(string reference) =>
        new(ErrorIds.ModelArtifactNotInStore, ErrorKind.InvalidArgument, $"'{reference}' names no store folder.", reference);

    public static ModelPackException AlreadyRemoved(string reference, string where) =>
        new(ErrorIds.ModelArtifactNotFound, ErrorKind.ObjectNotFound, $"No model artifact '{reference}' in {where} (already removed?).", reference);

    // Get-ModelMount.
    public static ModelPackException QuadletNeedsPodman(string found) => new(
        ErrorIds.ParameterNotApplicable,
        ErrorKind.InvalidArgument,
        $"-As Quadlet writes podman quadlet units (systemd services that run podman), but the engine is {found}. Use -As Argument for 'docker run', or -Engine podman for quadlet units.",
        "Quadlet");

    public static ModelPackException UnitNameNotApplicable(string? unitName, object format) => new(
        ErrorIds.ParameterNotApplicable,
        ErrorKind.InvalidArgument,
        $"-UnitName names quadlet units (-As Quadlet) or the Kubernetes volume (-As Kubernetes); -As {format} has neither. Add -As Quadlet or -As Kubernetes, or leave out -UnitName.",
        unitName);

    public static ModelPackException ContainerNameNotApplicable(string containerName, object format, string hint) => new(
        ErrorIds.ParameterNotApplicable,
        ErrorKind.InvalidArgument,
        $"-ContainerName names the container of the Kubernetes pod spec fragment (-As Kubernetes); -As {format} has none. Add -As Kubernetes, or leave out -ContainerName.{hint}",
        containerName);

    public static ModelPackException LayoutNotMountable(ModelArtifact artifact) => new(
        ErrorIds.ModelArtifactNotInStore,
        ErrorKind.InvalidArgument,
        $"'{artifact.Reference}' is in the OCI layout '{artifact.StorePath}', not in a store. Push it to a registry and save it with Save-ModelArtifact (for example through skopeo copy oci:LAYOUT:{artifact.Reference} docker://REGISTRY/...), then mount the stored copy.",
        artifact.Reference);

    public static ModelPackException NothingToMount(string value, string stores, Exception inner) => new(
        ErrorIds.ModelArtifactNotFound,
        ErrorKind.ObjectNotFound,
        $"No model artifact '{value}' in {stores}. Run Save-ModelArtifact '{value}' to download it first.",
        value,
        inner);

    public static ModelPackException UnitNameTaken(string unitName, string owner, string reference) => new(
        ErrorIds.UnitNameConflict,
        ErrorKind.InvalidArgument,
        $"-UnitName '{unitName}' names the units of one model, and '{owner}' already has it; '{reference}' would overwrite them, so nothing was written. " +
        "Leave out -UnitName to name each model after its repository, or run Get-ModelMount once per model with its own -UnitName.",
        unitName);

    public static ModelPackException DerivedNameTaken(string reference, string name, string owner, object format) => new(
        ErrorIds.UnitNameConflict,
        ErrorKind.InvalidArgument,
        $"'{reference}' would be named '{name}' after its repository, like '{owner}' before it, and its units or volume would replace those. Run Get-ModelMount '{reference}' -As {format} -UnitName <another name> for it.",
        reference);
}
