using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>
/// Follows an index to the one image manifest a pull uses: the single entry with the ModelPack artifactType;
/// else the single entry without a platform whose config is a ModelPack config; else linux/amd64; else the only
/// entry. Every manifest it reads is asked for by digest, so the answer cannot mix two versions of a tag.
/// </summary>
internal sealed class IndexResolver
{
    /// <summary>Index entries whose config is read to find a ModelPack manifest without artifactType.</summary>
    private const int MaxIndexProbes = 16;

    private readonly RegistryRepository _repository;

    public IndexResolver(RegistryRepository repository) => _repository = repository;

    public async Task<ResolvedManifest> ResolveAsync(FetchedManifest top, string target, CancellationToken cancellationToken)
    {
        if (!top.IsIndex)
        {
            return new ResolvedManifest(ManifestChecks.ImageManifest(top, _repository, target), top, null);
        }

        var index = ImageIndex.Parse(top.RawBytes, $"The index of '{target}'", target);
        var (entry, fetched) = await ChooseAsync(index, target, cancellationToken).ConfigureAwait(false);
        var child = fetched ?? await _repository.GetManifestAsync(entry.Digest, cancellationToken).ConfigureAwait(false);
        var childTarget = _repository.Target(entry.Digest);
        if (child.Size != entry.Size)
        {
            throw ManifestChecks.Mismatch(ErrorIds.SizeMismatch, childTarget, null, $"Index '{target}' says manifest {entry.Digest} has {entry.Size} bytes, the registry served {child.Size}.");
        }

        if (child.IsIndex)
        {
            throw RegistryErrors.Protocol(_repository.Registry, null, childTarget, $"Index '{target}' points at another index ({entry.Digest}); nested indexes are not supported. Name an image manifest by digest.");
        }

        _repository.Log.Log($"Index {top.Digest} resolved to manifest {child.Digest}.");
        return new ResolvedManifest(ManifestChecks.ImageManifest(child, _repository, childTarget), child, top);
    }

    private static bool IsLinuxAmd64(Descriptor d) =>
        d.Platform is Platform p && p.OS == "linux" && p.Architecture == "amd64";

    private static RegistryException Ambiguous(string target, int count) =>
        new(
            ErrorIds.ModelArtifactNotFound,
            ErrorKind.InvalidData,
            $"Index '{target}' lists {count} ModelPack manifests; name the one you want by digest.",
            target);

    private async Task<(Descriptor Entry, FetchedManifest? Fetched)> ChooseAsync(ImageIndex index, string target, CancellationToken cancellationToken)
    {
        var manifests = index.Manifests.Where(m => !FetchedManifest.IsIndexMediaType(m.MediaType)).ToList();
        var models = manifests.Where(m => MediaTypes.IsModelArtifactType(m.ArtifactType)).ToList();
        if (models.Count == 1)
        {
            return (models[0], null);
        }

        if (models.Count > 1)
        {
            var linuxModels = models.Where(IsLinuxAmd64).ToList();
            if (linuxModels.Count == 1)
            {
                return (linuxModels[0], null);
            }

            throw Ambiguous(target, models.Count);
        }

        var found = new List<(Descriptor, FetchedManifest)>();
        foreach (var entry in manifests.Where(m => m.Platform is null).Take(MaxIndexProbes))
        {
            var child = await _repository.GetManifestAsync(entry.Digest, cancellationToken).ConfigureAwait(false);
            if (!child.IsIndex && ModelManifest.Parse(child.RawBytes, $"The manifest {entry.Digest} of index '{target}'", target).IsModelArtifact)
            {
                found.Add((entry, child));
            }
        }

        if (found.Count == 1)
        {
            return found[0];
        }

        if (found.Count > 1)
        {
            throw Ambiguous(target, found.Count);
        }

        var linux = manifests.FirstOrDefault(IsLinuxAmd64);
        if (linux is not null)
        {
            return (linux, null);
        }

        if (manifests.Count == 1)
        {
            return (manifests[0], null);
        }

        throw new RegistryException(
            ErrorIds.ModelArtifactNotFound,
            ErrorKind.ObjectNotFound,
            $"Index '{target}' lists {manifests.Count} manifests, none of them a ModelPack model or a linux/amd64 image. Name the manifest you want by digest.",
            target);
    }
}
