using System;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Transfer;

/// <summary>
/// Blobs of a registry repository. A blob's requests share one retry budget: a connection that drops or stalls
/// mid-blob (RegistryUnreachable) is retried from the byte it stopped at, and an attempt that delivered at least
/// <see cref="RetryPolicy.ProgressResetBytes"/> starts a fresh streak, so a long download over a flaky link goes
/// on while it makes progress. A registry that is too slow (RegistryTooSlow) already had a whole window and is
/// not retried. With registries.conf mirrors the reads go through <see cref="BlobEndpoints"/>: a mirror's failure moves
/// the read to the next endpoint at once, and content a mirror sent that does not verify is taken again elsewhere.
/// </summary>
internal sealed class RegistrySource : IBlobSource
{
    private readonly RegistryRepository _repository;

    public RegistrySource(RegistryRepository repository) => _repository = repository ?? throw new ArgumentNullException(nameof(repository));

    public IBlobReader Reader(Descriptor blob) => new BlobReader(_repository, blob);

    private sealed class BlobReader : IRangedBlobReader, IFailoverReader
    {
        private readonly RegistryRepository _repository;
        private readonly BlobEndpoints _endpoints;
        private readonly RetryState _retry;

        public BlobReader(RegistryRepository repository, Descriptor blob)
        {
            _repository = repository;
            _endpoints = new BlobEndpoints(repository, blob);
            _retry = repository.Client.Sender.BeginRetries();
            Target = repository.Target(blob.Digest);
        }

        public string Target { get; }

        public int BufferSize => _repository.Client.BufferSize;

        public Task<BlobStream> OpenAsync(long offset, CancellationToken cancellationToken) => OpenAsync(offset, null, cancellationToken);

        public Task<BlobStream> OpenRangeAsync(long offset, long length, CancellationToken cancellationToken) => OpenAsync(offset, length, cancellationToken);

        private async Task<BlobStream> OpenAsync(long offset, long? length, CancellationToken cancellationToken)
        {
            var opened = await _endpoints.OpenAsync(offset, length, _retry, cancellationToken).ConfigureAwait(false);
            return new BlobStream(opened.Body, opened.Start, opened.Response) { End = opened.End };
        }

        public async Task<bool> RetryAsync(Exception failure, long progressed, CancellationToken cancellationToken)
        {
            if (_endpoints.FailOver(failure, cancellationToken))
            {
                return true;
            }

            if (failure is not RegistryException { ErrorId: ErrorIds.RegistryUnreachable } registry || !RetryPolicy.IsTransient(registry))
            {
                return false;
            }

            if (progressed >= RetryPolicy.ProgressResetBytes)
            {
                _retry.Progressed();
            }

            return await _retry.TryWaitAsync(registry.Message, null, cancellationToken).ConfigureAwait(false);
        }

        public bool TryOtherSource(Exception failure) => _endpoints.AfterBadContent(failure);

        public Exception Final(Exception failure) =>
            failure is RegistryException { ErrorId: ErrorIds.RegistryUnreachable } registry && RetryPolicy.IsTransient(registry) ? _retry.Final(registry) : failure;
    }
}
