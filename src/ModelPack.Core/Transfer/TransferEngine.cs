using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Transfer;

/// <summary>
/// The one copy engine (the shape of oras-go's CopyGraph): copies descriptors from a source (a registry
/// repository, an OCI layout) to a target (the store, a registry repository), at most
/// <see cref="CopyOptions.Concurrency"/> at once. For each blob the target is asked whether it has it (then it is
/// skipped), then whether it can mount it from another repository (<see cref="CopyOptions.MountFrom"/>), and
/// only then are its bytes sent, verified and resumable as the target and source make them. The first blob that
/// fails stops the others: the copy has failed, and their partial data stays for the next one to resume.
/// </summary>
internal static class TransferEngine
{
    /// <summary>Copies <paramref name="descriptors"/> (each one, in the order given, duplicates included); returns what was done for each.</summary>
    public static async Task<IReadOnlyList<BlobCopyResult>> CopyAsync(IBlobSource source, IBlobTarget target, IReadOnlyList<Descriptor> descriptors, CopyOptions options, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        if (target is null)
        {
            throw new ArgumentNullException(nameof(target));
        }

        if (descriptors is null)
        {
            throw new ArgumentNullException(nameof(descriptors));
        }

        options ??= new CopyOptions();
        var meter = new Meter(descriptors, options.Progress);
        var results = new BlobCopyResult[descriptors.Count];
        using var gate = new TransferSlots(options.Concurrency);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = failed.Token;
        var tasks = descriptors.Select(async (blob, i) =>
        {
            await gate.WaitAsync(token).ConfigureAwait(false);
            try
            {
                results[i] = await CopyOneAsync(source, target, blob, i, options, meter, gate, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed.Cancel();
                throw;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        var all = Task.WhenAll(tasks);
        try
        {
            await all.ConfigureAwait(false);
        }
        catch when (all.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) is Exception first)
        {
            // WhenAll reports the first task's exception, which may be a blob stopped because another failed.
            ExceptionDispatchInfo.Capture(first).Throw();
        }

        return results;
    }

    private static async Task<BlobCopyResult> CopyOneAsync(IBlobSource source, IBlobTarget target, Descriptor blob, int index, CopyOptions options, Meter meter, TransferSlots slots, CancellationToken cancellationToken)
    {
        using var slot = await target.OpenAsync(blob, cancellationToken).ConfigureAwait(false);
        BlobCopyResult result;
        if (!options.Force && await slot.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            result = new BlobCopyResult(blob.Digest, blob.Size, BlobCopyOutcome.AlreadyExists, 0);
        }
        else if (options.MountFrom?.Invoke(blob) is { Count: > 0 } sources && await slot.MountAsync(sources, cancellationToken).ConfigureAwait(false) is string mounted)
        {
            result = new BlobCopyResult(blob.Digest, blob.Size, BlobCopyOutcome.Mounted, 0, mountedFrom: mounted);
        }
        else
        {
            result = await slot.WriteAsync(source, bytes => meter.Bytes(index, bytes), slots, cancellationToken).ConfigureAwait(false);
        }

        meter.Done(index, result.Outcome);
        return result;
    }

    /// <summary>Per-blob byte counts to <see cref="TransferProgress"/> reports with running totals.</summary>
    private sealed class Meter
    {
        private readonly IReadOnlyList<Descriptor> _blobs;
        private readonly Action<TransferProgress>? _report;
        private readonly long[] _done;
        private readonly long _total;

        public Meter(IReadOnlyList<Descriptor> blobs, Action<TransferProgress>? report)
        {
            _blobs = blobs;
            _report = report;
            _done = new long[blobs.Count];
            _total = blobs.Sum(b => b.Size);
        }

        public void Bytes(int index, long bytes)
        {
            Interlocked.Exchange(ref _done[index], bytes);
            _report?.Invoke(new TransferProgress(_blobs[index], index, bytes, null, Sum(), _total));
        }

        public void Done(int index, BlobCopyOutcome outcome)
        {
            var size = _blobs[index].Size;
            Interlocked.Exchange(ref _done[index], size);
            _report?.Invoke(new TransferProgress(_blobs[index], index, size, outcome, Sum(), _total));
        }

        private long Sum()
        {
            long sum = 0;
            for (var i = 0; i < _done.Length; i++)
            {
                sum += Interlocked.Read(ref _done[i]);
            }

            return sum;
        }
    }
}
