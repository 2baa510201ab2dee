using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;
using ModelPack.Core.Images;
using ModelPack.Core.Mounts;
using ModelPack.Core.References;
using ModelPack.Core.Store;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Strategies;

/// <summary>
/// The built-in registry client pulls into ModelPack's own store (<see cref="ModelStore"/>) and the mount is a
/// read-only bind of the model's snapshot directory. Works for ModelPack artifacts and for models packaged as
/// images (their <c>/models</c> becomes the snapshot), with any engine or none.
/// </summary>
/// <remarks>
/// <see cref="ModelMount.Argument"/> is one command-line argument, never shell-quoted, so it can be passed as
/// is (<c>podman run $mount.Argument ...</c> in PowerShell, an argv element anywhere):
/// podman: <c>--mount=type=bind,src=SNAPSHOT,destination=DEST,ro</c>;
/// docker: <c>--mount=type=bind,src=SNAPSHOT,dst=DEST,readonly</c> (docker's spelling of the keys; docker reads
/// <c>--mount=VALUE</c> exactly like <c>--mount VALUE</c>). Without an engine the podman form is given; docker
/// reads it too. Snapshot paths with ',' or '"' cannot be written in a --mount option and are refused.
/// </remarks>
public sealed class HttpBindStrategy : IModelStrategy
{
    private readonly StrategyContext session;

    public HttpBindStrategy(StrategyContext context)
    {
        session = context ?? throw new ArgumentNullException(nameof(context));
    }

    public StrategyName Name => StrategyName.HttpBind;

    private ModelStore Store => session.Store;

    public async Task<ModelArtifact> PullAsync(ModelReference reference, PullContext context, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var client = context.Client ?? throw new ArgumentException("HttpBind pulls with the built-in registry client: set PullContext.Client.", nameof(context));

        // An image pull first reads the manifest and hands artifacts to the artifact pull, so an unknown kind costs nothing extra.
        var result = await StorePull.PullAsync(Store, client, reference, context.Answer, context.Options, imagesToo: context.Kind != ReferenceKind.Artifact, cancellationToken).ConfigureAwait(false);
        return result.Artifact;
    }

    public Task<bool> ExistsAsync(ModelReference reference, CancellationToken cancellationToken) =>
        Task.FromResult(Find(reference) is not null);

    public Task<ModelArtifact?> FindAsync(ModelReference reference, CancellationToken cancellationToken) =>
        Task.FromResult(Find(reference));

    public Task<IReadOnlyList<ModelArtifact>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult(session.HasStore ? Store.List(session.Log, session.Warn) : Array.Empty<ModelArtifact>());

    public Task<bool> RemoveAsync(ModelReference reference, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        return Task.FromResult(session.HasStore && Store.Remove(reference.ToString()));
    }

    public Task<bool> RemoveAsync(ModelArtifact artifact, CancellationToken cancellationToken)
    {
        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        return Task.FromResult(session.HasStore && Store.Remove(artifact.Reference));
    }

    public IReadOnlyList<ModelMount> Mounts(ModelArtifact artifact, MountOptions options)
    {
        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        // Checks that the artifact is in the store, its snapshot exists and its path fits a --mount option.
        var bind = BindMountBuilder.Build(artifact, options.Destination, options.EngineName);
        var entryPath = bind.EntryPath;
        if (ModelImage.IsImageManifest(artifact.Manifest))
        {
            var relative = ModelImage.EntryPathFromLabels(Store.ImageLabels(artifact)) ?? ModelImage.FindMainWeightFile(bind.Source);
            entryPath = relative is null ? null : bind.Destination + "/" + relative;
        }

        var argument = options.Engine.Kind == EngineKind.Docker
            ? $"--mount=type={BindMountBuilder.MountType},{MountText.Field("src", bind.Source, bind.Reference)},dst={bind.Destination},readonly"
            : bind.Argument;
        return new[]
        {
            new ModelMount(bind.Reference, bind.Strategy, options.EngineName, bind.Spec, argument, entryPath) { PartialWarning = bind.PartialWarning },
        };
    }

    public Task<IReadOnlyList<ModelMount>> MountsAsync(ModelArtifact artifact, MountOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(Mounts(artifact, options));

    private ModelArtifact? Find(ModelReference reference)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        return session.HasStore ? Store.Find(reference) : null;
    }
}
