using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts;
using ModelPack.Core.References;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Strategies;

/// <summary>
/// Models in podman's own artifact store (podman 5.7 or later): <c>podman artifact pull</c>, <c>inspect</c>,
/// <c>ls</c> and <c>rm</c>. The manifests podman reports go through the ModelPack validator; artifacts that
/// are not ModelPack models, or not valid ones, are not listed. Mounts are one
/// <c>--mount=type=artifact,src=REF,digest=LAYER,destination=DEST/FILEPATH</c> per layer, because podman
/// would name each mounted blob by its <c>org.opencontainers.image.title</c> and ModelPack places files at
/// their <c>org.cncf.model.filepath</c>; artifacts podman cannot mount that way (tar layers, two layers with one
/// digest: <see cref="PodmanArtifactMountability"/>) are refused. Digests are the registry's, read from podman's
/// store index where podman is local (<see cref="PodmanArtifactIndex"/>), else the one a name pins, else podman's.
/// </summary>
public sealed class PodmanArtifactStrategy : PodmanStrategy
{
    private static readonly string[] ArtifactPull = { "artifact", "pull", "--quiet" };

    public PodmanArtifactStrategy(StrategyContext context)
        : base(context, StrategyName.PodmanArtifact)
    {
    }

    private protected override bool StoreAvailable => Session.Engine.SupportsArtifacts;

    private protected override IReadOnlyList<string> PullCommand => ArtifactPull;

    public override async Task<bool> ExistsAsync(ModelReference reference, CancellationToken cancellationToken) =>
        await FindAsync(reference, cancellationToken).ConfigureAwait(false) is not null;

    public override async Task<ModelArtifact?> FindAsync(ModelReference reference, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        if (!StoreAvailable)
        {
            return null;
        }

        var info = await InspectAsync(reference.ToString(), cancellationToken).ConfigureAwait(false);
        return info is null ? null : ToModel(info, ReadIndex(), throwIfNotModel: false);
    }

    public override async Task<IReadOnlyList<ModelArtifact>> ListAsync(CancellationToken cancellationToken)
    {
        if (!StoreAvailable)
        {
            return Array.Empty<ModelArtifact>();
        }

        var index = ReadIndex();
        var models = new List<ModelArtifact>();
        foreach (var name in await NamesAsync(index, cancellationToken).ConfigureAwait(false))
        {
            var info = await InspectAsync(name, cancellationToken).ConfigureAwait(false);
            if (info is not null && ToModel(info, index, throwIfNotModel: false) is ModelArtifact model)
            {
                models.Add(model);
            }
        }

        return models;
    }

    private protected override void RequirePull()
    {
        Podman.RequirePodman();
        var engine = Session.Engine;
        if (!engine.SupportsArtifacts)
        {
            throw new ModelPackException(
                ErrorIds.StrategyUnavailable,
                ErrorKind.ResourceUnavailable,
                $"Strategy PodmanArtifact needs podman {EngineVersion.Brief(EngineRequirements.PodmanArtifact)} or later with 'podman artifact'; found {engine.Found}. Use -Strategy HttpBind (works with any engine) or PodmanImage for images.",
                Name.ToString());
        }
    }

    private protected override async Task<ModelArtifact> FindPulledAsync(ModelReference reference, CancellationToken cancellationToken)
    {
        var name = reference.ToString();
        var info = await InspectAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new ModelPackException(ErrorIds.ContainerEngineFailed, ErrorKind.InvalidOperation, $"podman pulled '{name}' but 'podman artifact inspect' does not find it.", name);
        return ToModel(info, ReadIndex(), throwIfNotModel: true)!;
    }

    private protected override IReadOnlyList<string> RemoveCommand(string name) => new[] { "artifact", "rm", name };

    private protected override IReadOnlyList<ModelMount> MountsOf(ModelArtifact artifact, MountOptions options)
    {
        var mountability = PodmanArtifactMountability.Of(artifact.Manifest);
        if (!mountability.CanMount)
        {
            throw new ArtifactNotMountableException(
                Name,
                artifact.Reference,
                mountability.Layers,
                mountability.Blocker!,
                $"Strategy PodmanArtifact cannot mount '{artifact.Reference}': {mountability.Blocker}, and PodmanArtifact {mountability.Requirement}. Use -Strategy HttpBind, which shows every file at its path (Auto does so by itself).");
        }

        var destination = options.Destination;
        var entryPath = EntryPathResolver.EntryPath(artifact.Manifest.Layers, destination);
        var mounts = new List<ModelMount>();
        foreach (var layer in artifact.Manifest.Layers)
        {
            var name = layer.Filepath is { Length: > 0 } filepath ? filepath : layer.Title;
            if (string.IsNullOrEmpty(name))
            {
                throw StrategyErrors.NoLayerPath(artifact.Reference, layer.Digest);
            }

            var target = destination + "/" + LayerPath.Normalize(name!);
            var argument = $"--mount=type=artifact,{MountText.Field("src", artifact.Reference, artifact.Reference)},digest={layer.Digest},{MountText.Field("destination", target, artifact.Reference)}";
            mounts.Add(new ModelMount(artifact.Reference, Name.ToString(), "podman", new MountSpec("artifact", artifact.Reference, target), argument, entryPath));
        }

        return mounts;
    }

    /// <summary>
    /// The names to inspect: from <c>podman artifact ls</c>, where an artifact pulled by digest has an empty tag and is
    /// named REPO@DIGEST (from the store index when it can be read: podman lists its own digest, not the pinned one).
    /// When <c>ls</c> fails (one artifact podman cannot parse fails the whole listing), the store index names them all.
    /// </summary>
    private async Task<IReadOnlyList<string>> NamesAsync(PodmanArtifactIndex? index, CancellationToken cancellationToken)
    {
        var args = new[] { "artifact", "ls", "--no-trunc", "--format", PodmanArtifactInfo.ListTemplate };
        var result = await Podman.RunAsync(args, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            if (index is null)
            {
                throw PodmanCommand.Failure(args, result, "podman artifact ls", "An artifact podman cannot parse (for example a created annotation that is not RFC 3339) fails the whole listing; remove it with 'podman artifact rm'.");
            }

            (Session.Warn ?? Session.Log)?.Invoke($"'podman artifact ls' failed with exit code {result.ExitCode} ({DisplayText.EscapeControls(PodmanCommand.FirstErrorLine(result))}); listing podman's artifact store from its index instead. An artifact podman cannot parse stops 'podman artifact ls' until it is removed with 'podman artifact rm'.");
            return index.Names;
        }

        var names = new List<string>();
        foreach (var line in result.Stdout.Split('\n'))
        {
            var entry = PodmanArtifactInfo.ParseListLine(line, out var problem);
            if (entry is not (string repository, string tag, string digest))
            {
                if (problem.Length > 0)
                {
                    Session.Log?.Invoke($"Skipping a line of 'podman artifact ls' ({problem}): {DisplayText.Quote(line.Trim())}.");
                }

                continue;
            }

            if (tag.Length > 0)
            {
                names.Add(repository + ":" + tag);
            }
            else
            {
                var pinned = index?.PinnedNamesOf(repository).ToList();
                names.AddRange(pinned is { Count: > 0 } ? pinned : new List<string> { repository + "@" + digest });
            }
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    private PodmanArtifactIndex? ReadIndex() => PodmanArtifactIndex.Read(Session.Engine.ArtifactStorePath, Session.Log);

    private async Task<PodmanArtifactInfo?> InspectAsync(string name, CancellationToken cancellationToken)
    {
        var args = new[] { "artifact", "inspect", name };
        var result = await Podman.RunAsync(args, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            if (PodmanArtifactInfo.SaysDoesNotExist(PodmanCommand.FirstErrorLine(result)))
            {
                return null;
            }

            throw PodmanCommand.Failure(args, result, name);
        }

        return PodmanArtifactInfo.TryParse(result.Stdout, out var problem)
            ?? throw StrategyErrors.UnreadableOutput($"'podman artifact inspect {name}'", problem + ".", name);
    }

    /// <summary>
    /// The digest to show: the registry's from podman's store index, else the one the name pins (podman checked it when
    /// pulling), else podman's own (the same as the registry's unless the registry's bytes differ from podman's serialisation).
    /// </summary>
    private string RegistryDigest(PodmanArtifactInfo info, PodmanArtifactIndex? index)
    {
        if (index?.DigestOf(info.Name) is string indexed)
        {
            return indexed;
        }

        var at = info.Name.LastIndexOf('@');
        if (at > 0 && Spec.Digest.TryParse(info.Name.Substring(at + 1), out var pinned))
        {
            return pinned.ToString();
        }

        Session.Log?.Invoke($"'{info.Name}': {info.Digest} is podman's digest of its own serialisation of the manifest; the registry's digest is not known here (podman's store index cannot be read), and differs when the registry's manifest bytes are not podman's.");
        return info.Digest;
    }

    /// <summary>
    /// The artifact as a model; null (logged) or NotAModelArtifact / ModelSpecViolation when it is not a usable model (names
    /// the current spec does not use, as <c>podman artifact add</c> writes them, are left to Test-ModelArtifact).
    /// </summary>
    private ModelArtifact? ToModel(PodmanArtifactInfo info, PodmanArtifactIndex? index, bool throwIfNotModel)
    {
        var manifest = ModelManifest.Parse(info.ManifestJson);
        if (!manifest.IsModelArtifact)
        {
            if (throwIfNotModel)
            {
                throw StrategyErrors.NotAModelInPodman(info.Name, info.Digest, manifest);
            }

            Session.Log?.Invoke($"Skipping '{info.Name}' in podman's artifact store: not a ModelPack model.");
            return null;
        }

        var violations = manifest.UsabilityViolations();
        if (violations.Count > 0)
        {
            var error = new ModelSpecException($"The manifest of '{info.Name}' in podman's artifact store", violations);
            if (throwIfNotModel)
            {
                throw error;
            }

            Session.Log?.Invoke("Skipping: " + error.Message);
            return null;
        }

        return ModelArtifact.InEngineStore(info.Name, manifest, Name.ToString(), RegistryDigest(info, index), null);
    }
}
