using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Images;
using ModelPack.Core.Mounts;
using ModelPack.Core.References;
using ModelPack.Core.Registry;

namespace ModelPack.Core.Strategies;

/// <summary>
/// The three strategies of one session and the decisions between them: which stores to list, which strategy
/// a reference goes through (<c>-Strategy</c> &gt; MODELPACK_STRATEGY &gt; config &gt; Auto, via
/// <see cref="StrategySelector"/>, with the reference's kind from <see cref="ReferenceKindResolver"/>), and
/// how a model is mounted, Auto moving on to HttpBind when podman's artifact mounts cannot show an artifact
/// (tar layers, two layers with one digest: <see cref="PodmanArtifactMountability"/>).
/// </summary>
public sealed class StrategyChain
{
    private readonly Dictionary<StrategyName, IModelStrategy> strategies;

    public StrategyChain(StrategyContext context, ModelPackSettings? settings = null, ReferenceKindCache? cache = null)
    {
        Context = context ?? throw new ArgumentNullException(nameof(context));
        Settings = settings ?? ModelPackSettings.Empty;
        strategies = new Dictionary<StrategyName, IModelStrategy>
        {
            [StrategyName.PodmanArtifact] = new PodmanArtifactStrategy(context),
            [StrategyName.PodmanImage] = new PodmanImageStrategy(context),
            [StrategyName.HttpBind] = new HttpBindStrategy(context),
        };
        Resolver = new ReferenceKindResolver(Stores, cache);
    }

    public StrategyContext Context { get; }

    public ModelPackSettings Settings { get; }

    public EngineInfo Engine => Context.Engine;

    public ReferenceKindResolver Resolver { get; }

    /// <summary>The strategies whose store exists on this machine, in Auto order: podman's stores only with a podman that has them.</summary>
    public IReadOnlyList<IModelStrategy> Stores =>
        StrategyNames.AutoOrder
            .Where(n => n switch
            {
                StrategyName.PodmanArtifact => Engine.Kind == EngineKind.Podman && Engine.SupportsArtifacts,
                StrategyName.PodmanImage => Engine.Kind == EngineKind.Podman && Engine.IsUsable,
                _ => true,
            })
            .Select(Get)
            .ToList();

    public IModelStrategy Get(StrategyName name) =>
        strategies.TryGetValue(name, out var strategy)
            ? strategy
            : throw new ArgumentOutOfRangeException(nameof(name), name, "Auto is a choice between strategies, not one; select a strategy first.");

    /// <summary>The strategy a stored artifact belongs to, or null for artifacts of no store (Remote, Layout).</summary>
    public IModelStrategy? Owner(ModelArtifact artifact)
    {
        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        return StrategyNames.TryParse(artifact.Strategy, out var name) && name != StrategyName.Auto ? Get(name) : null;
    }

    /// <summary>
    /// Every model in every store here, in Auto order of the stores, with duplicates (same reference and
    /// digest in two stores) shown once, from the first store that holds them.
    /// </summary>
    public async Task<IReadOnlyList<ModelArtifact>> ListAsync(CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ModelArtifact>();
        foreach (var store in Stores)
        {
            foreach (var artifact in await store.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (seen.Add(artifact.Reference + "@" + artifact.Digest))
                {
                    result.Add(artifact);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The strategy for a reference. A forced strategy the engine cannot serve fails before anything is
    /// looked up; then the reference's kind (local stores, else one registry GET) decides Auto, or whether the
    /// forced strategy fits it.
    /// </summary>
    /// <exception cref="ModelPackException">StrategyUnavailable, or the lookup's failures.</exception>
    public async Task<StrategySelection> SelectAsync(StrategyName? requested, ModelReference reference, RegistryClient? client, CancellationToken cancellationToken)
    {
        StrategySelector.EnsureEngineSupports(requested, Settings, Engine);
        var kind = await Resolver.ResolveAsync(reference, client, cancellationToken).ConfigureAwait(false);
        return StrategySelector.Select(requested, Settings, Engine, kind.Kind, kind.PodmanMounts);
    }

    /// <summary>
    /// Selects the strategy for the reference and pulls it through that strategy: the reference's kind from the
    /// local stores or one registry GET, whose answer the built-in pull carries on (<see cref="PullContext.Answer"/>),
    /// so the kind and the pull are decided on the same manifest. The choice is logged (a verbose line) and told to
    /// <see cref="PullContext.Selected"/> before the pull starts.
    /// </summary>
    public async Task<ModelArtifact> PullAsync(ModelReference reference, StrategyName? requested, PullContext pull, CancellationToken cancellationToken)
    {
        if (pull is null)
        {
            throw new ArgumentNullException(nameof(pull));
        }

        StrategySelector.EnsureEngineSupports(requested, Settings, Engine);
        var kind = await Resolver.ResolveAsync(reference, pull.Client, cancellationToken).ConfigureAwait(false);
        var selection = StrategySelector.Select(requested, Settings, Engine, kind.Kind, kind.PodmanMounts);
        pull.Kind ??= kind.Kind;
        pull.Answer ??= kind.Answer;
        pull.Log?.Invoke(Decision(reference, kind, selection));
        pull.Selected?.Invoke(selection, kind);
        return await Get(selection.Strategy).PullAsync(reference, pull, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>"'REF' is a ModelPack artifact (from registry); strategy HttpBind (Auto).", the verbose line of a pull's choice.</summary>
    private string Decision(ModelReference reference, ReferenceKindInfo kind, StrategySelection selection) =>
        $"'{reference}' is a {(kind.Kind == ReferenceKind.Image ? "model image" : "ModelPack artifact")} (from {kind.Source}); strategy {selection.Strategy}" +
        (selection.Requested == StrategyName.Auto ? " (Auto)" : $" (set by {Settings.DescribeStrategySource(selection.Source)})") + ".";

    /// <summary>
    /// The mounts for a reference. A reference some local store holds is mounted as that stored artifact (see
    /// the artifact overload: Auto mounts it where it is, so an image-packaged model saved through HttpBind is
    /// bound from the store even where podman could mount images). Otherwise through the selected strategy,
    /// from its store, pulling it there first when <paramref name="pull"/> is given (else
    /// ModelArtifactNotInStore says to save it).
    /// </summary>
    public async Task<IReadOnlyList<ModelMount>> MountAsync(ModelReference reference, StrategyName? requested, MountOptions options, PullContext? pull, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        StrategySelector.EnsureEngineSupports(requested, Settings, Engine);
        var kind = await Resolver.ResolveAsync(reference, pull?.Client, cancellationToken).ConfigureAwait(false);
        if (kind.Local is ModelArtifact local)
        {
            return await MountAsync(local, requested, options, pull, cancellationToken).ConfigureAwait(false);
        }

        var selection = StrategySelector.Select(requested, Settings, Engine, kind.Kind, kind.PodmanMounts);
        if (pull is not null)
        {
            pull.Answer ??= kind.Answer;
        }

        return await MountThroughAsync(Get(selection.Strategy), reference, kind.Kind, options, pull, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The mounts for an artifact from a store (a pipeline object). Auto mounts it where it is, unless that
    /// strategy cannot (podman, and tar layers or layers of one digest: <see cref="ArtifactNotMountableException"/>), then it takes the
    /// next viable strategy for its kind. A forced strategy mounts its own copy (pulled first when
    /// <paramref name="pull"/> is given) or explains why it cannot.
    /// </summary>
    public async Task<IReadOnlyList<ModelMount>> MountAsync(ModelArtifact artifact, StrategyName? requested, MountOptions options, PullContext? pull, CancellationToken cancellationToken)
    {
        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var (name, _) = StrategySelector.Resolve(requested, Settings);
        var owner = Owner(artifact);
        if (owner is not null && (name == StrategyName.Auto || name == owner.Name))
        {
            try
            {
                return await owner.MountsAsync(artifact, options, cancellationToken).ConfigureAwait(false);
            }
            catch (ArtifactNotMountableException ex) when (name == StrategyName.Auto)
            {
                Context.Log?.Invoke($"{owner.Name} cannot mount '{artifact.Reference}' ({ex.Why}); trying the next strategy.");
            }
        }

        var kind = owner?.Name == StrategyName.PodmanImage || ModelImage.IsImageManifest(artifact.Manifest) ? ReferenceKind.Image : ReferenceKind.Artifact;
        var selection = StrategySelector.Select(requested, Settings, Engine, kind, kind == ReferenceKind.Artifact ? PodmanArtifactMountability.Of(artifact.Manifest) : null);
        if (!ModelReference.TryParse(artifact.Reference, out var reference, out var error))
        {
            throw new ModelPackException(
                ErrorIds.InvalidReference,
                ErrorKind.InvalidArgument,
                $"'{artifact.Reference}' ({artifact.Strategy}) is not a registry reference ({error}), so {selection.Strategy} cannot fetch it. Mount it with -Strategy {artifact.Strategy}.",
                artifact.Reference);
        }

        return await MountThroughAsync(Get(selection.Strategy), reference!, kind, options, pull, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<ModelMount>> MountThroughAsync(IModelStrategy strategy, ModelReference reference, ReferenceKind kind, MountOptions options, PullContext? pull, CancellationToken cancellationToken)
    {
        var stored = await strategy.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            if (pull is null)
            {
                throw new ModelPackException(
                    ErrorIds.ModelArtifactNotInStore,
                    ErrorKind.ObjectNotFound,
                    $"'{reference}' is not in the {strategy.Name} store. Run Save-ModelArtifact '{reference}' -Strategy {strategy.Name} first.",
                    reference.ToString());
            }

            pull.Kind ??= kind;
            stored = await strategy.PullAsync(reference, pull, cancellationToken).ConfigureAwait(false);
        }

        return await strategy.MountsAsync(stored, options, cancellationToken).ConfigureAwait(false);
    }
}
