using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Transfer;

/// <summary>
/// Blobs into the local store: under a per-blob lock (so concurrent copies, in any process, fetch a blob once:
/// the others wait and then find it published), resuming from <c>tmp/&lt;hex&gt;.partial</c>, fetched by the
/// target's <see cref="IBlobFetch"/> and published by an atomic rename only once its digest and size verified.
/// Interruptions keep the partial file; content that fails verification deletes it.
/// </summary>
internal sealed class StoreTarget : IBlobTarget
{
    private readonly ModelStore _store;
    private readonly bool _flushToDisk;
    private readonly Action<string>? _log;
    private readonly IBlobFetch _fetch;

    /// <param name="flushToDisk">
    /// Flush every blob to the disk before publishing it; false when the caller recorded the copy in an
    /// <see cref="UnsyncedJournal"/> (deferred durability).
    /// </param>
    /// <param name="fetch">How a blob's bytes are fetched (default <see cref="SequentialFetch"/>).</param>
    public StoreTarget(ModelStore store, bool flushToDisk, Action<string>? log, IBlobFetch? fetch = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _flushToDisk = flushToDisk;
        _log = log;
        _fetch = fetch ?? SequentialFetch.Instance;
    }

    public async Task<ITargetBlob> OpenAsync(Descriptor blob, CancellationToken cancellationToken)
    {
        var hex = Digest.Parse(blob.Digest).Encoded;
        var temp = _store.Layout.TempPath;
        var activity = await _store.EnterActivityAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var held = await StoreLocks.AcquireAsync(
                Path.Combine(temp, hex + ".lock"), Timeout.InfiniteTimeSpan, () => _log?.Invoke(TransferErrors.Waiting(blob.Digest)), cancellationToken).ConfigureAwait(false);
            return new StoreBlob(this, blob, Path.Combine(temp, hex + ".partial"), activity, held);
        }
        catch
        {
            activity.Dispose();
            throw;
        }
    }

    private sealed class StoreBlob : ITargetBlob
    {
        private readonly StoreTarget _target;
        private readonly Descriptor _blob;
        private readonly string _partialPath;
        private readonly IDisposable _activity;
        private readonly FileLock _lock;

        public StoreBlob(StoreTarget target, Descriptor blob, string partialPath, IDisposable activity, FileLock held)
        {
            _target = target;
            _blob = blob;
            _partialPath = partialPath;
            _activity = activity;
            _lock = held;
        }

        private ModelStore Store => _target._store;

        public Task<bool> ExistsAsync(CancellationToken cancellationToken)
        {
            var published = Store.Layout.BlobPath(_blob.Digest);
            if (!File.Exists(published) || new FileInfo(published).Length != _blob.Size)
            {
                return Task.FromResult(false);
            }

            // Another copy finished it (a partial left beside it is of no use any more).
            AtomicFile.TryDelete(_partialPath);
            AtomicFile.TryDelete(PartMap.PathFor(_partialPath));
            return Task.FromResult(true);
        }

        public Task<string?> MountAsync(IReadOnlyList<string> sources, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

        public async Task<BlobCopyResult> WriteAsync(IBlobSource source, Action<long> progress, TransferSlots slots, CancellationToken cancellationToken)
        {
            var reader = source.Reader(_blob);
            using var partial = await PartialBlob.OpenAsync(_partialPath, _blob, writeBehind: _target._flushToDisk, _target._log, cancellationToken).ConfigureAwait(false);
            var received = await _target._fetch.FetchAsync(reader, partial, progress, slots, cancellationToken).ConfigureAwait(false);
            await partial.CloseAsync(_target._flushToDisk, cancellationToken).ConfigureAwait(false);
            Store.Layout.PublishVerifiedFile(_partialPath, _blob.Digest, _blob.Size);
            return new BlobCopyResult(_blob.Digest, _blob.Size, BlobCopyOutcome.Transferred, received, partial.Restarts);
        }

        public void Dispose()
        {
            _lock.Dispose();
            _activity.Dispose();
        }
    }
}
