using System;
using System.Collections.Generic;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Strategies;

/// <summary>The failures the strategies report, worded once (the pull paths' own are with them).</summary>
internal static class StrategyErrors
{
    public static ModelPackException Unavailable(StrategyName strategy, string message) =>
        new(ErrorIds.StrategyUnavailable, ErrorKind.ResourceUnavailable, message, strategy.ToString());

    public static ModelPackException NeedsPodman(StrategyName strategy, EngineInfo engine) => Unavailable(
        strategy,
        $"Strategy {strategy} runs podman, but the engine is {engine.Found}{(engine.IsUsable ? string.Empty : " and it does not work")}. Use -Strategy HttpBind, which needs no engine, or install podman.");

    public static ModelPackException NoDockerMounts(StrategyName strategy, EngineInfo engine) => Unavailable(
        strategy,
        $"Strategy {strategy} mounts need podman, but the engine is {engine.Found}; docker has no artifact or image mounts. Use -Strategy HttpBind, whose read-only bind mount docker understands.");

    public static ModelPackException NotOwn(ModelArtifact artifact, StrategyName strategy) => new(
        ErrorIds.ModelArtifactNotInStore,
        ErrorKind.InvalidArgument,
        $"'{artifact.Reference}' is a {artifact.Strategy} artifact, not one in the {strategy} store, so {strategy} cannot mount it. Run Save-ModelArtifact '{artifact.Reference}' -Strategy {strategy} first, or mount it with -Strategy {artifact.Strategy}.",
        artifact.Reference);

    public static ModelPackException NotLocalAndNoClient(string name, string stores) => new(
        ErrorIds.ModelArtifactNotFound,
        ErrorKind.ObjectNotFound,
        $"'{name}' is in no local store ({stores}), and no registry client was given to look it up.",
        name);

    public static ModelPackException NotAModelInPodman(string name, string digest, ModelManifest manifest) => new(
        ErrorIds.NotAModelArtifact,
        ErrorKind.InvalidData,
        $"'{name}' ({digest}) in podman's artifact store is not a ModelPack model: artifactType '{manifest.ArtifactType ?? "none"}', config '{manifest.Config?.MediaType ?? "none"}'. 'podman artifact rm {name}' removes it.",
        name);

    public static ModelPackException NoLayerPath(string reference, string layerDigest) => new(
        ErrorIds.MissingLayerPath,
        ErrorKind.InvalidData,
        $"Layer {layerDigest} of '{reference}' has neither an 'org.cncf.model.filepath' nor an 'org.opencontainers.image.title' annotation, so there is no path to mount it at. Use -Strategy HttpBind, which names it from the store, or ask the publisher to add file paths.",
        layerDigest);

    /// <summary>podman printed what cannot be read (<paramref name="command"/> is how it was run).</summary>
    public static ModelPackException UnreadableOutput(string command, string problem, string target, Exception? inner = null) =>
        new(ErrorIds.ContainerEngineFailed, ErrorKind.InvalidData, $"{command} printed what ModelPack cannot read: {problem}", target, inner);

    public static ModelPackException NoImageDescribed(string name) =>
        new(ErrorIds.ContainerEngineFailed, ErrorKind.InvalidData, $"'podman image inspect {name}' described no image.", name);

    /// <summary>ContainerEngineFailed naming the command, its exit code and podman's own message.</summary>
    public static ModelPackException CommandFailed(IReadOnlyList<string> args, int exitCode, string message, ErrorKind kind, string target, string? hint) => new(
        ErrorIds.ContainerEngineFailed,
        kind,
        $"{DisplayText.Quote(CommandLine.Display("podman", args))} failed with exit code {exitCode}: {DisplayText.EscapeControls(message).TrimEnd('.')}.{(hint is null ? string.Empty : " " + hint)}",
        target);
}
