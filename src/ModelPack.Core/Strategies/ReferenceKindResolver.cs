using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Images;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Strategies;

/// <summary>
/// Tells whether a reference is a ModelPack artifact or a model packaged as an image, and whether podman's
/// artifact mounts can show it (<see cref="PodmanArtifactMountability"/>): first from the local stores (in the order given), then from the registry, whose answer is cached
/// per reference in a <see cref="ReferenceKindCache"/>. The registry is asked with one manifest GET (a HEAD
/// cannot tell: both kinds are OCI image manifests); an index is followed to the manifest a pull would use.
/// </summary>
public sealed class ReferenceKindResolver
{
    public const string RegistrySource = "registry";

    private readonly IReadOnlyList<IModelStrategy> localStores;
    private readonly ReferenceKindCache cache;

    public ReferenceKindResolver(IEnumerable<IModelStrategy> localStores, ReferenceKindCache? cache = null)
    {
        this.localStores = (localStores ?? throw new ArgumentNullException(nameof(localStores))).ToList();
        this.cache = cache ?? ReferenceKindCache.Session;
    }

    /// <param name="reference">The reference to classify.</param>
    /// <param name="client">Asks the registry when no local store holds the reference; without it only local stores are asked.</param>
    /// <param name="cancellationToken">Stops the lookups.</param>
    /// <exception cref="ModelPackException">
    /// ModelArtifactNotFound when no store holds it and there is no client; NotAModelArtifact when the registry's
    /// manifest is neither a model nor an image; the registry's own failures.
    /// </exception>
    public async Task<ReferenceKindInfo> ResolveAsync(ModelReference reference, RegistryClient? client, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        var name = reference.ToString();
        foreach (var store in localStores)
        {
            if (await store.FindAsync(reference, cancellationToken).ConfigureAwait(false) is ModelArtifact local)
            {
                var kind = store.Name == StrategyName.PodmanImage || ModelImage.IsImageManifest(local.Manifest) ? ReferenceKind.Image : ReferenceKind.Artifact;
                return new ReferenceKindInfo(name, kind, kind == ReferenceKind.Artifact ? PodmanArtifactMountability.Of(local.Manifest) : null, store.Name.ToString(), local);
            }
        }

        if (cache.TryGet(name, out var known))
        {
            return known;
        }

        if (client is null)
        {
            throw StrategyErrors.NotLocalAndNoClient(name, string.Join(", ", localStores.Select(s => s.Name)));
        }

        var info = await AskRegistryAsync(reference, client, cancellationToken).ConfigureAwait(false);
        cache.Store(info.WithoutAnswer());
        return info;
    }

    private static async Task<ReferenceKindInfo> AskRegistryAsync(ModelReference reference, RegistryClient client, CancellationToken cancellationToken)
    {
        var name = reference.ToString();
        var tagOrDigest = reference.Tag ?? reference.Digest!;
        var repository = client.Repository(reference);
        var answer = new ManifestAnswer(tagOrDigest, await repository.GetManifestAsync(tagOrDigest, cancellationToken).ConfigureAwait(false));
        var top = answer.Top;
        ModelManifest manifest;
        if (top.IsIndex)
        {
            var index = ImageIndex.Parse(top.ToBytes(), $"The index of '{name}'", name);
            if (index.Manifests.Count > 0 && index.Manifests.All(m => m.Platform is not null && m.ArtifactType is null))
            {
                return new ReferenceKindInfo(name, ReferenceKind.Image, null, RegistrySource, null, answer);
            }

            manifest = (await answer.ResolveAsync(repository, cancellationToken).ConfigureAwait(false)).Manifest;
        }
        else
        {
            manifest = ModelManifest.Parse(top.ToBytes(), $"The manifest of '{name}'", name);
        }

        if (manifest.IsModelArtifact)
        {
            return new ReferenceKindInfo(name, ReferenceKind.Artifact, PodmanArtifactMountability.Of(manifest), RegistrySource, null, answer);
        }

        if (ModelImage.IsImageManifest(manifest))
        {
            return new ReferenceKindInfo(name, ReferenceKind.Image, null, RegistrySource, null, answer);
        }

        throw ManifestChecks.NotAModel(name, null, manifest, orImage: true);
    }
}
