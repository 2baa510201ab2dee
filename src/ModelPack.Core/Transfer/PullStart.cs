using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Store;

namespace ModelPack.Core.Transfer;

/// <summary>
/// The start of every pull: what interrupted pulls left and nobody can resume goes first; then the pull counts as
/// running (so no collection removes the locks and half-built snapshot it is about to use); one manifest answer
/// decides whether the stored artifact is up to date (the answer the kind was decided on, else one HEAD);
/// otherwise the manifest is resolved (by the digest that answer named) and checked against a requested digest.
/// Dispose it when the pull ends.
/// </summary>
internal sealed class PullStart : IDisposable
{
    private readonly IDisposable _activity;

    private PullStart(string refName, IDisposable activity, PullResult? upToDate, ResolvedManifest? resolved)
    {
        RefName = refName;
        _activity = activity;
        UpToDate = upToDate;
        Resolved = resolved!;
    }

    public string RefName { get; }

    /// <summary>Set when the store already has what the registry serves: nothing else is done.</summary>
    public PullResult? UpToDate { get; }

    /// <summary>The manifest to pull (when not <see cref="UpToDate"/>).</summary>
    public ResolvedManifest Resolved { get; }

    public static async Task<PullStart> BeginAsync(ModelStore store, RegistryRepository repository, ModelReference reference, ManifestAnswer? answer, PullOptions options, CancellationToken cancellationToken)
    {
        var log = options.Log;
        var refName = reference.ToString();
        var tagOrDigest = reference.Tag ?? reference.Digest!;
        options.Progress?.Report(new PullProgress(refName, PullStage.Resolving, 0, 0));
        store.TryCleanTemporaryFiles(log);
        var activity = await store.EnterActivityAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string? byDigest = null;
            if (!options.Force && store.Find(reference) is ModelArtifact existing && Directory.Exists(existing.Path))
            {
                if (answer is null)
                {
                    var head = await repository.HeadManifestAsync(tagOrDigest, cancellationToken).ConfigureAwait(false);
                    answer = head.Fetched is FetchedManifest fetched ? new ManifestAnswer(tagOrDigest, fetched) : null;
                    byDigest = head.Digest;
                }

                var current = answer?.Top.Digest ?? byDigest;
                var same = current == existing.Digest || current == store.StoredSourceDigest(refName);
                if (same && HoldsWanted(existing, options, refName))
                {
                    log?.Invoke($"'{refName}' is up to date ({existing.Digest}); nothing to download.");
                    options.Progress?.Report(new PullProgress(refName, PullStage.Completed, existing.Size, existing.Size));
                    return new PullStart(refName, activity, new PullResult(existing, upToDate: true, 0, 0), null);
                }

                log?.Invoke(same
                    ? $"'{refName}' is partial ({existing.PresentLayers!.Count} of {existing.Files.Count} files): downloading what is asked for and missing."
                    : $"'{refName}' changed in the registry: {existing.Digest} -> {current}.");
            }

            var resolved = await ResolveAsync(repository, tagOrDigest, answer, byDigest, cancellationToken).ConfigureAwait(false);
            if (reference.Digest is not null && reference.Digest != resolved.Digest && reference.Digest != resolved.Index?.Digest)
            {
                throw new ModelPackException(ErrorIds.DigestMismatch, ErrorKind.InvalidData, $"The registry answered '{refName}' with manifest {resolved.Digest}, not the requested digest.", refName);
            }

            return new PullStart(refName, activity, null, resolved);
        }
        catch
        {
            activity.Dispose();
            throw;
        }
    }

    public void Dispose() => _activity.Dispose();

    /// <summary>Whether the stored artifact holds every layer the pull asks for (all of them without a filter).</summary>
    private static bool HoldsWanted(ModelArtifact existing, PullOptions options, string refName)
    {
        if (!existing.Partial)
        {
            return true;
        }

        var wanted = options.Layers is { IsEmpty: false } filter ? filter.Select(existing.Manifest.Layers, refName) : null;
        return PartialPulls.PartialLayers.Covers(existing.PresentLayers, wanted);
    }

    /// <summary>
    /// The manifest to pull, from the one answer this pull has: the one given, else the one a HEAD named (read by
    /// its digest), else one GET by tag. Whatever an index leads to is read by digest.
    /// </summary>
    private static async Task<ResolvedManifest> ResolveAsync(RegistryRepository repository, string tagOrDigest, ManifestAnswer? answer, string? byDigest, CancellationToken cancellationToken)
    {
        if (answer is null)
        {
            var top = await repository.GetManifestAsync(byDigest ?? tagOrDigest, cancellationToken).ConfigureAwait(false);
            answer = new ManifestAnswer(tagOrDigest, top);
        }

        return await answer.ResolveAsync(repository, cancellationToken).ConfigureAwait(false);
    }
}
