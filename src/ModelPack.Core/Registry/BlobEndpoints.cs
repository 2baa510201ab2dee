using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>
/// One blob's reads from a repository with registries.conf mirrors: each open goes to the first endpoint still in
/// play (<see cref="RegistryRepository.Endpoints"/>), and one that fails to open, or whose stream breaks, is left for
/// the next, which continues at the same byte (blobs are content-addressed, so a resume may cross endpoints). When
/// the finished blob does not verify, the mirrors that sent any of its bytes are dropped and the blob is taken again
/// from the start from what is left. Without mirrors this is the repository's own <see cref="RegistryRepository.OpenBlobAsync"/>.
/// </summary>
internal sealed class BlobEndpoints
{
    private readonly RegistryRepository _repository;
    private readonly Descriptor _blob;
    private readonly List<RegistryRepository> _left;
    private readonly HashSet<RegistryRepository> _served = new();
    private readonly HashSet<RegistryRepository> _announced = new();

    public BlobEndpoints(RegistryRepository repository, Descriptor blob)
    {
        _repository = repository;
        _blob = blob;
        _left = repository.Endpoints.ToList();
    }

    // The parts of a ranged download open and fail over concurrently.
    private readonly object _gate = new();

    private RegistryRepository Current
    {
        get
        {
            lock (_gate)
            {
                return _left[0];
            }
        }
    }

    /// <summary><see cref="RegistryRepository.OpenBlobAsync"/> at the first endpoint that answers; the location's failure is the caller's.</summary>
    /// <param name="length">Null for the rest of the blob, else the length of the span (a closed Range).</param>
    public async Task<(Stream? Body, long Start, long End, IDisposable? Response)> OpenAsync(long offset, long? length, RetryState retry, CancellationToken cancellationToken)
    {
        while (true)
        {
            var endpoint = Current;
            try
            {
                var opened = await endpoint.OpenBlobAsync(_blob, offset, length, endpoint.IsMirror ? endpoint.Client.Sender.SingleAttempt() : retry, cancellationToken).ConfigureAwait(false);
                bool first;
                lock (_gate)
                {
                    _served.Add(endpoint);
                    first = _announced.Add(endpoint);
                }

                if (first)
                {
                    _repository.LogServed(endpoint, offset > 0 ? $"Blob {_blob.Digest} (from byte {offset})" : $"Blob {_blob.Digest}");
                }

                return opened;
            }
            catch (Exception ex) when (_repository.PassOver(endpoint, ex, "blob " + _blob.Digest, cancellationToken))
            {
                Drop(endpoint);
            }
        }
    }

    /// <summary>After the stream of a mirror broke: whether to go on at once from the next endpoint (no retry wait).</summary>
    public bool FailOver(Exception failure, CancellationToken cancellationToken)
    {
        var endpoint = Current;
        if (!_repository.PassOver(endpoint, failure, "the rest of blob " + _blob.Digest, cancellationToken))
        {
            return false;
        }

        Drop(endpoint);
        return true;
    }

    /// <summary>
    /// After the blob failed to verify: drops the mirrors that sent bytes of it; true when the blob should be taken
    /// again from the start from the endpoints left (false when no mirror was involved: the usual handling applies).
    /// </summary>
    public bool AfterBadContent(Exception failure)
    {
        List<RegistryRepository> mirrors;
        lock (_gate)
        {
            mirrors = _served.Where(e => e.IsMirror).ToList();
            _served.Clear();
        }

        if (mirrors.Count == 0)
        {
            return false;
        }

        foreach (var mirror in mirrors)
        {
            Drop(mirror);
            _repository.Log.Log($"Mirror '{mirror}' sent bytes of {_blob.Digest} that do not verify ({failure.Message}); they were discarded and the blob is taken from the next endpoint.");
        }

        lock (_gate)
        {
            return _left.Count > 0;
        }
    }

    // Never the last one (the location): its failures are the caller's.
    private void Drop(RegistryRepository endpoint)
    {
        lock (_gate)
        {
            if (_left.Count > 1)
            {
                _left.Remove(endpoint);
            }
        }
    }
}
