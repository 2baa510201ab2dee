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

    private RegistryRepository Current => _left[0];

    /// <summary><see cref="RegistryRepository.OpenBlobAsync"/> at the first endpoint that answers; the location's failure is the caller's.</summary>
    public async Task<(Stream? Body, long Start, IDisposable? Response)> OpenAsync(long offset, RetryState retry, CancellationToken cancellationToken)
    {
        while (true)
        {
            var endpoint = Current;
            try
            {
                var opened = await endpoint.OpenBlobAsync(_blob, offset, endpoint.IsMirror ? endpoint.Client.Sender.SingleAttempt() : retry, cancellationToken).ConfigureAwait(false);
                _served.Add(endpoint);
                if (_announced.Add(endpoint))
                {
                    _repository.LogServed(endpoint, offset > 0 ? $"Blob {_blob.Digest} (from byte {offset})" : $"Blob {_blob.Digest}");
                }

                return opened;
            }
            catch (Exception ex) when (_repository.PassOver(endpoint, ex, "blob " + _blob.Digest, cancellationToken))
            {
                _left.RemoveAt(0);
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

        _left.RemoveAt(0);
        return true;
    }

    /// <summary>
    /// After the blob failed to verify: drops the mirrors that sent bytes of it; true when the blob should be taken
    /// again from the start from the endpoints left (false when no mirror was involved: the usual handling applies).
    /// </summary>
    public bool AfterBadContent(Exception failure)
    {
        var mirrors = _served.Where(e => e.IsMirror).ToList();
        _served.Clear();
        if (mirrors.Count == 0)
        {
            return false;
        }

        foreach (var mirror in mirrors)
        {
            _left.Remove(mirror);
            _repository.Log.Log($"Mirror '{mirror}' sent bytes of {_blob.Digest} that do not verify ({failure.Message}); they were discarded and the blob is taken from the next endpoint.");
        }

        return _left.Count > 0;
    }
}
