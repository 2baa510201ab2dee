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
/// their <c>org.cncf.model.filepath</c>; tar layers cannot be mounted this way (podman never unpacks).
/// </summary>
public sealed class PodmanArtifactStrategy : PodmanStrategy
{
    private static readonly string[] ArtifactPull = { "artifact", "pull" };

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
        return info is null ? null : ToModel(info, throwIfNotModel: false);
    }

    public override async Task<IReadOnlyList<ModelArtifact>> ListAsync(CancellationToken cancellationToken)
    {
        if (!StoreAvailable)
        {
            return Array.Empty<ModelArtifact>();
        }

        var args = new[] { "artifact", "ls", "--no-trunc", "--format", PodmanArtifactInfo.ListTemplate };
        var result = await Podman.RunAsync(args, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw PodmanCommand.Failure(args, result, "podman artifact ls");
        }

        var models = new List<ModelArtifact>();
        foreach (var line in result.Stdout.Split('\n'))
        {
            var name = PodmanArtifactInfo.ParseListLine(line, out var problem);
            if (name is null)
            {
                if (problem.Length > 0)
                {
                    Session.Log?.Invoke($"Skipping a line of 'podman artifact ls' ({problem}): {DisplayText.Quote(line.Trim())}.");
                }

                continue;
            }

            var info = await InspectAsync(name, cancellationToken).ConfigureAwait(false);
            if (info is not null && ToModel(info, throwIfNotModel: false) is ModelArtifact model)
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

    private protected override bool AcceptFailedPull(string name, ProcessResult result, PullContext context)
    {
        if (PodmanCommand.FirstErrorLine(result).IndexOf("already exists", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return false;
        }

        context.Log?.Invoke($"podman already holds '{name}'; using it (Save-ModelArtifact -Force pulls it again).");
        return true;
    }

    private protected override async Task<ModelArtifact> FindPulledAsync(ModelReference reference, CancellationToken cancellationToken)
    {
        var name = reference.ToString();
        var info = await InspectAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new ModelPackException(ErrorIds.ContainerEngineFailed, ErrorKind.InvalidOperation, $"podman pulled '{name}' but 'podman artifact inspect' does not find it.", name);
        return ToModel(info, throwIfNotModel: true)!;
    }

    private protected override IReadOnlyList<string> RemoveCommand(string name) => new[] { "artifact", "rm", name };

    private protected override IReadOnlyList<ModelMount> MountsOf(ModelArtifact artifact, MountOptions options)
    {
        var archives = artifact.Manifest.Layers
            .Where(l => (l.Packing ?? LayerPacking.Raw) != LayerPacking.Raw)
            .Select(l => l.Filepath ?? l.Title ?? l.Digest)
            .ToList();
        if (archives.Count > 0)
        {
            throw new ArtifactNotMountableException(
                Name,
                artifact.Reference,
                archives,
                $"Strategy PodmanArtifact cannot mount '{artifact.Reference}': podman mounts each layer as the blob it is and never unpacks it, so its tar layers ({string.Join(", ", archives.Select(DisplayText.Quote))}) would appear as archives instead of the files they hold. Use -Strategy HttpBind, which extracts them (Auto does so by itself).");
        }

        var destination = options.Destination;
        var entryPath = EntryPathResolver.EntryPath(artifact.Manifest.Layers, destination);
        var mounts = new List<ModelMount>();
        foreach (var layer in artifact.Manifest.Layers)
        {
            var name = layer.Filepath is { Length: > 0 } filepath ? filepath : layer.Title;
            if (string.IsNullOrEmpty(name))
            {
                throw new ModelPackException(
                    ErrorIds.MissingLayerPath,
                    ErrorKind.InvalidData,
                    $"Layer {layer.Digest} of '{artifact.Reference}' has neither an 'org.cncf.model.filepath' nor an 'org.opencontainers.image.title' annotation, so there is no path to mount it at. Use -Strategy HttpBind, which names it from the store, or ask the publisher to add file paths.",
                    layer.Digest);
            }

            var relative = LayerPath.Normalize(name!);
            var target = destination + "/" + relative;
            MountText.RequireOptionValue(target, artifact.Reference);
            var argument = $"--mount=type=artifact,src={artifact.Reference},digest={layer.Digest},destination={target}";
            mounts.Add(new ModelMount(artifact.Reference, Name.ToString(), "podman", "artifact", artifact.Reference, target, readOnly: true, subPath: null, argument, entryPath));
        }

        return mounts;
    }

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
            ?? throw new ModelPackException(ErrorIds.ContainerEngineFailed, ErrorKind.InvalidData, $"'podman artifact inspect {name}' printed what ModelPack cannot read: {problem}.", name);
    }

    /// <summary>The artifact as a model; null (logged) or NotAModelArtifact / ModelSpecViolation when it is not a valid ModelPack model.</summary>
    private ModelArtifact? ToModel(PodmanArtifactInfo info, bool throwIfNotModel)
    {
        var manifest = ModelManifest.Parse(info.ManifestJson);
        if (!manifest.IsModelArtifact)
        {
            if (throwIfNotModel)
            {
                throw new ModelPackException(
                    ErrorIds.NotAModelArtifact,
                    ErrorKind.InvalidData,
                    $"'{info.Name}' ({info.Digest}) in podman's artifact store is not a ModelPack model: artifactType '{manifest.ArtifactType ?? "none"}', config '{manifest.Config?.MediaType ?? "none"}'. 'podman artifact rm {info.Name}' removes it.",
                    info.Name);
            }

            Session.Log?.Invoke($"Skipping '{info.Name}' in podman's artifact store: not a ModelPack model.");
            return null;
        }

        var violations = manifest.Validate();
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

        return new ModelArtifact(info.Name, manifest, null, Name.ToString(), null, null, info.Digest, info.TotalSize);
    }
}
