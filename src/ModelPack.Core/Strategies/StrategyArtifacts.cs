using System;
using ModelPack.Core.Engines;
using ModelPack.Core.Mounts;

namespace ModelPack.Core.Strategies;

/// <summary>Checks every strategy makes before mounting.</summary>
internal static class StrategyArtifacts
{
    /// <summary>ModelArtifactNotInStore unless the artifact was listed or pulled by <paramref name="strategy"/>.</summary>
    public static void RequireOwn(ModelArtifact artifact, StrategyName strategy)
    {
        if (!string.Equals(artifact.Strategy, strategy.ToString(), StringComparison.Ordinal))
        {
            throw StrategyErrors.NotOwn(artifact, strategy);
        }
    }

    /// <summary>StrategyUnavailable when the mounts are asked for docker, which has no artifact or image mounts.</summary>
    public static void RequirePodmanSyntax(MountOptions options, StrategyName strategy)
    {
        if (options.Engine.Kind == EngineKind.Docker)
        {
            throw StrategyErrors.NoDockerMounts(strategy, options.Engine);
        }
    }
}
