using System;
using System.Collections.Generic;

namespace ModelPack.Core.Strategies;

/// <summary>
/// Reads and writes strategy names in both spellings: PascalCase (<c>PodmanArtifact</c>, as the
/// <c>-Strategy</c> parameter shows them) and kebab-case (<c>podman-artifact</c>, usual in environment
/// variables and config files). Matching ignores case and surrounding blanks; numbers are not names.
/// </summary>
public static class StrategyNames
{
    private static readonly StrategyName[] All =
    {
        StrategyName.Auto, StrategyName.PodmanArtifact, StrategyName.PodmanImage, StrategyName.HttpBind,
    };

    /// <summary>"Auto, PodmanArtifact, PodmanImage, HttpBind (or auto, podman-artifact, podman-image, http-bind)", for messages.</summary>
    public static string Accepted { get; } =
        string.Join(", ", Array.ConvertAll(All, n => n.ToString())) + " (or " + string.Join(", ", Array.ConvertAll(All, ToKebabCase)) + ")";

    /// <summary>The concrete strategies in the order Auto tries them.</summary>
    public static IReadOnlyList<StrategyName> AutoOrder { get; } =
        new[] { StrategyName.PodmanArtifact, StrategyName.PodmanImage, StrategyName.HttpBind };

    public static bool TryParse(string? text, out StrategyName name)
    {
        var trimmed = text?.Trim();
        if (!string.IsNullOrEmpty(trimmed))
        {
            foreach (var candidate in All)
            {
                if (string.Equals(trimmed, candidate.ToString(), StringComparison.OrdinalIgnoreCase) ||
                    string.Equals(trimmed, ToKebabCase(candidate), StringComparison.OrdinalIgnoreCase))
                {
                    name = candidate;
                    return true;
                }
            }
        }

        name = StrategyName.Auto;
        return false;
    }

    /// <summary><c>podman-artifact</c> for <see cref="StrategyName.PodmanArtifact"/>.</summary>
    public static string ToKebabCase(StrategyName name) => name switch
    {
        StrategyName.Auto => "auto",
        StrategyName.PodmanArtifact => "podman-artifact",
        StrategyName.PodmanImage => "podman-image",
        StrategyName.HttpBind => "http-bind",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a strategy."),
    };
}
