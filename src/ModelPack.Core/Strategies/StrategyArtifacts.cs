using System;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts;

namespace ModelPack.Core.Strategies;

/// <summary>Checks every strategy makes before mounting, worded once.</summary>
internal static class StrategyArtifacts
{
    /// <summary>ModelArtifactNotInStore unless the artifact was listed or pulled by <paramref name="strategy"/>.</summary>
    public static void RequireOwn(ModelArtifact artifact, StrategyName strategy)
    {
        if (!string.Equals(artifact.Strategy, strategy.ToString(), StringComparison.Ordinal))
        {
            throw new ModelPackException(
                ErrorIds.ModelArtifactNotInStore,
                ErrorKind.InvalidArgument,
                $"'{artifact.Reference}' is a {artifact.Strategy} artifact, not one in the {strategy} store, so {strategy} cannot mount it. Run Save-ModelArtifact '{artifact.Reference}' -Strategy {strategy} first, or mount it with -Strategy {artifact.Strategy}.",
                artifact.Reference);
        }
    }

    /// <summary>StrategyUnavailable when the mounts are asked for docker, which has no artifact or image mounts.</summary>
    public static void RequirePodmanSyntax(MountOptions options, StrategyName strategy)
    {
        if (options.Engine.Kind == EngineKind.Docker)
        {
            throw new ModelPackException(
                ErrorIds.StrategyUnavailable,
                ErrorKind.ResourceUnavailable,
                $"Strategy {strategy} mounts need podman, but the engine is {options.Engine.Found}; docker has no artifact or image mounts. Use -Strategy HttpBind, whose read-only bind mount docker understands.",
                strategy.ToString());
        }
    }
}
