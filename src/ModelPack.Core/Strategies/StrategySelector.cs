using System;
using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Strategies;

/// <summary>
/// Chooses the strategy: <c>-Strategy</c> &gt; MODELPACK_STRATEGY &gt; config <c>strategy</c> &gt; Auto, where Auto
/// takes the first of PodmanArtifact, PodmanImage, HttpBind that can work for the reference's kind on
/// the engine. A forced strategy that cannot work throws StrategyUnavailable saying what was found and
/// what would work, before anything is downloaded.
/// </summary>
public static class StrategySelector
{
    private const string ArtifactRequirement = "needs podman 5.7 or later with 'podman artifact'";
    private const string ImageRequirement = "needs podman";

    /// <summary>The strategy that was asked for and by whom; Auto from Default when nothing was set.</summary>
    public static (StrategyName Name, SettingSource Source) Resolve(StrategyName? requested, ModelPackSettings settings)
    {
        if (settings is null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        if (requested is StrategyName fromParameter)
        {
            return (fromParameter, SettingSource.Parameter);
        }

        return settings.Strategy is StrategyName fromSettings ? (fromSettings, settings.StrategySource) : (StrategyName.Auto, SettingSource.Default);
    }

    /// <summary>Picks the strategy for one reference.</summary>
    /// <param name="podmanMounts">For an artifact, whether podman's artifact mounts can show it (tar layers and layers of one digest cannot be); null when unknown or fine.</param>
    /// <exception cref="ModelPackException">StrategyUnavailable: the forced strategy cannot work here.</exception>
    public static StrategySelection Select(StrategyName? requested, ModelPackSettings settings, EngineInfo engine, ReferenceKind kind, PodmanArtifactMountability? podmanMounts)
    {
        if (engine is null)
        {
            throw new ArgumentNullException(nameof(engine));
        }

        var (name, source) = Resolve(requested, settings);
        var judged = Judge(engine, kind, podmanMounts);
        var infos = judged.Select(j => j.Info).ToList();
        if (name == StrategyName.Auto)
        {
            return new StrategySelection(judged.First(j => j.Info.Available).Info.Name, name, source, engine, infos);
        }

        var chosen = judged.First(j => j.Info.Name == name);
        if (!chosen.Info.Available)
        {
            throw Unavailable(chosen, source, settings, judged);
        }

        return new StrategySelection(name, name, source, engine, infos);
    }

    /// <summary>
    /// Fails early when a forced strategy cannot work on this engine whatever the reference is, so a
    /// caller can stop before fetching a manifest. Returns the strategy asked for (possibly Auto).
    /// </summary>
    /// <exception cref="ModelPackException">StrategyUnavailable.</exception>
    public static StrategyName EnsureEngineSupports(StrategyName? requested, ModelPackSettings settings, EngineInfo engine)
    {
        if (engine is null)
        {
            throw new ArgumentNullException(nameof(engine));
        }

        var (name, source) = Resolve(requested, settings);
        if (name != StrategyName.Auto)
        {
            var judged = Judge(engine, null, null);
            var chosen = judged.First(j => j.Info.Name == name);
            if (!chosen.Info.Available)
            {
                throw Unavailable(chosen, source, settings, judged);
            }
        }

        return name;
    }

    /// <summary>Every concrete strategy judged against the engine alone, as Get-ModelStrategy lists them.</summary>
    public static IReadOnlyList<StrategyInfo> Describe(EngineInfo engine)
    {
        if (engine is null)
        {
            throw new ArgumentNullException(nameof(engine));
        }

        return Judge(engine, null, null).Select(j => j.Info).ToList();
    }

    private static List<Judgement> Judge(EngineInfo engine, ReferenceKind? kind, PodmanArtifactMountability? podmanMounts)
    {
        var result = new List<Judgement>();
        var order = 1;
        foreach (var name in StrategyNames.AutoOrder)
        {
            var (requirement, blocker, fine) = name switch
            {
                StrategyName.PodmanArtifact => JudgePodmanArtifact(engine, kind, podmanMounts),
                StrategyName.PodmanImage => JudgePodmanImage(engine, kind),
                _ => JudgeHttpBind(engine),
            };
            var reason = blocker is null ? fine! : Capitalize(requirement) + "; " + blocker + ".";
            result.Add(new Judgement(new StrategyInfo(name, order++, blocker is null, reason, engine), requirement, blocker));
        }

        return result;
    }

    private static (string Requirement, string? Blocker, string? Fine) JudgePodmanArtifact(EngineInfo engine, ReferenceKind? kind, PodmanArtifactMountability? podmanMounts)
    {
        if (engine.Kind != EngineKind.Podman)
        {
            return (ArtifactRequirement, "found " + engine.Found, null);
        }

        if (!engine.IsUsable)
        {
            return (ArtifactRequirement, $"found {engine.Found}, but it does not work: {engine.UnusableBecause}", null);
        }

        if (engine.Version is Version version && version < EngineRequirements.PodmanArtifact)
        {
            return (ArtifactRequirement, $"found {engine.Found} ({EngineVersion.Brief(version)} < {EngineVersion.Brief(EngineRequirements.PodmanArtifact)})", null);
        }

        if (!engine.SupportsArtifacts)
        {
            return (ArtifactRequirement, $"found {engine.Found}, but {engine.NoArtifactsBecause}", null);
        }

        if (kind == ReferenceKind.Image)
        {
            return ("mounts ModelPack artifacts only", "this reference is a container image", null);
        }

        if (podmanMounts is { CanMount: false })
        {
            return (podmanMounts.Requirement!, podmanMounts.Blocker, null);
        }

        var listing = engine.ArtifactListProblem is null
            ? string.Empty
            : $" Its store cannot be listed ({engine.ArtifactListProblem}); ModelPack reads podman's store index instead where it can.";
        return (ArtifactRequirement, null, $"Uses 'podman artifact' of {engine.Found}; one mount per layer, named by its filepath.{listing}");
    }

    private static (string Requirement, string? Blocker, string? Fine) JudgePodmanImage(EngineInfo engine, ReferenceKind? kind)
    {
        if (engine.Kind != EngineKind.Podman)
        {
            return (ImageRequirement, "found " + engine.Found, null);
        }

        if (!engine.IsUsable)
        {
            return (ImageRequirement, $"found {engine.Found}, but it does not work: {engine.UnusableBecause}", null);
        }

        if (kind == ReferenceKind.Artifact)
        {
            return ("mounts models packaged as container images only", "this reference is a ModelPack artifact", null);
        }

        var subpath = engine.SupportsImageSubpath
            ? "mounts the image's /models with subpath."
            : $"podman before {EngineVersion.Brief(EngineRequirements.PodmanImageSubpath)} has no subpath, so the whole image is mounted and the model is under its /models.";
        return (ImageRequirement, null, $"Uses {engine.Found}; {subpath}");
    }

    private static (string Requirement, string? Blocker, string? Fine) JudgeHttpBind(EngineInfo engine)
    {
        var with = engine.Kind == EngineKind.None ? "no engine is needed" : $"{engine.Found} gets a read-only bind mount";
        var caveat = engine.Kind != EngineKind.Docker
            ? string.Empty
            : engine.IsRemote && engine.Endpoint is string endpoint
                ? " " + EngineProbe.RemoteWarning(endpoint)
                : engine.Version is null ? " Its daemon did not answer, so 'docker run' will not work until it does." : string.Empty;
        return ("works with any engine", null, $"The built-in registry client pulls into the local store; {with}.{caveat}");
    }

    private static ModelPackException Unavailable(Judgement chosen, SettingSource source, ModelPackSettings settings, List<Judgement> all)
    {
        var name = chosen.Info.Name;
        var origin = source == SettingSource.Parameter
            ? string.Empty
            : " (set by " + settings.DescribeStrategySource(source) + ")";
        var alternatives = all
            .Where(j => j.Info.Available && j.Info.Name != name)
            .OrderBy(j => j.Info.Name == StrategyName.HttpBind ? 0 : j.Info.Order)
            .Select(j => j.Info.Name == StrategyName.HttpBind ? "HttpBind (works with any engine)" : j.Info.Name.ToString());
        var change = source == SettingSource.Parameter
            ? string.Empty
            : ", or change " + settings.DescribeStrategySource(source);
        var message = $"Strategy {name}{origin} {chosen.Requirement}; {chosen.Blocker}. Use -Strategy {string.Join(" or ", alternatives)}{change}.";
        return StrategyErrors.Unavailable(name, message);
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);

    private sealed class Judgement
    {
        public Judgement(StrategyInfo info, string requirement, string? blocker)
        {
            Info = info;
            Requirement = requirement;
            Blocker = blocker;
        }

        public StrategyInfo Info { get; }

        public string Requirement { get; }

        public string? Blocker { get; }
    }
}
