using System;
using System.Buffers;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Transfer;

/// <summary>
/// One pass of a <see cref="RangedFetch"/> over a blob's <see cref="PartMap"/>: workers (the blob's own
/// connection, plus one for every free slot, up to <see cref="Connections"/>) each take the lowest part
/// nobody has, GET it with a closed Range, write it at its offset and count it in the map; a dropped part
/// resumes after its last byte written, within the blob's retry budget. The blob is hashed in order: bytes
/// that arrive exactly at the hashed position are hashed from their buffer by the worker that received them
/// (all of them, when the blob has one connection), and one hasher reads the rest back from the file as far
/// as it is written without a gap. The first failure (or the caller's cancellation) stops every part
/// request; what arrived stays counted for a resume.
/// </summary>
internal sealed class RangedDownload : IDisposable
{
    private const int HashBufferSize = 1 << 20;

    private readonly IRangedBlobReader _reader;
    private readonly PartialBlob _partial;
    private readonly PartMap _map;
    private readonly Action<long> _progress;
    private readonly TransferSlots _slots;
    private readonly object _gate = new();
    private readonly object _progressGate = new();
    private readonly object _hashGate = new();
    private bool _hashing;
    private readonly TaskCompletionSource<bool> _workersDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _written = new(0);
    private CancellationTokenSource? _stop;
    private ExceptionDispatchInfo? _failure;
    private bool _rangeIgnored;
    private int _running;
    private int _extra;

    public RangedDownload(IRangedBlobReader reader, PartialBlob partial, PartMap map, Action<long> progress, TransferSlots slots)
    {
        _reader = reader;
        _partial = partial;
        _map = map;
        _progress = progress;
        _slots = slots;
    }

    /// <summary>Connections this blob may use at most, its own included.</summary>
    public int Connections { get; set; } = RangedFetch.DefaultConnectionsPerBlob;

    /// <summary>Downloads and hashes every missing part; false when the server did not answer a part with that part (go on in one stream).</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _stop = stop;
        _progress(_map.TotalDone);
        var hashing = Task.Run(() => HashAsync(stop.Token), CancellationToken.None);
        _running = 1;
        _ = Task.Run(() => WorkAsync(extra: false), CancellationToken.None);
        await _workersDone.Task.ConfigureAwait(false);
        if (_failure is null && !_rangeIgnored)
        {
            await hashing.ConfigureAwait(false);
            return true;
        }

        stop.Cancel();
        try
        {
            await hashing.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped with the parts; the failure below is what the caller hears.
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (_failure is { SourceException: not OperationCanceledException } || !_rangeIgnored)
        {
            _failure?.Throw();
        }

        return false;
    }

    private async Task WorkAsync(bool extra)
    {
        var token = _stop!.Token;
        var buffer = ArrayPool<byte>.Shared.Rent(_reader.BufferSize);
        var holding = extra;
        try
        {
            while (!token.IsCancellationRequested && _map.Claim() is int part)
            {
                try
                {
                    await PartAsync(part, buffer, token).ConfigureAwait(false);
                }
                catch
                {
                    _map.Unclaim(part);
                    throw;
                }

                if (extra)
                {
                    // One part per slot: a blob waiting for a slot gets this one first.
                    _slots.Release();
                    holding = _slots.TryTake();
                    if (!holding)
                    {
                        break;
                    }
                }

                Spawn();
            }
        }
        catch (RangeIgnoredException)
        {
            _rangeIgnored = true;
            _stop.Cancel();
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Finish(extra, holding);
        }
    }

    /// <summary>Starts a worker for every slot free now, up to <see cref="Connections"/>, while parts are left.</summary>
    private void Spawn()
    {
        lock (_gate)
        {
            while (_extra < Connections - 1 && !_stop!.IsCancellationRequested && _map.HasUnclaimed && _slots.TryTake())
            {
                _extra++;
                _running++;
                _ = Task.Run(() => WorkAsync(extra: true), CancellationToken.None);
            }
        }
    }

    private void Finish(bool extra, bool holding)
    {
        if (holding)
        {
            _slots.Release();
        }

        lock (_gate)
        {
            if (extra)
            {
                _extra--;
            }

            if (--_running == 0)
            {
                _workersDone.TrySetResult(true);
            }
        }
    }

    private void Fail(Exception ex)
    {
        lock (_gate)
        {
            // The first real failure is the one to report, not the cancellations it caused in the other parts.
            if (_failure is null || (_failure.SourceException is OperationCanceledException && ex is not OperationCanceledException))
            {
                _failure = ExceptionDispatchInfo.Capture(ex);
            }
        }

        _stop!.Cancel();
    }

    /// <summary>Downloads the rest of one part, opening it again after a dropped connection as the retry budget allows.</summary>
    private async Task PartAsync(int part, byte[] buffer, CancellationToken token)
    {
        var (start, end) = _map.Bounds(part);
        while (true)
        {
            var from = start + _map.Done(part);
            if (from >= end)
            {
                return;
            }

            using var stream = await _reader.OpenRangeAsync(from, end - from, token).ConfigureAwait(false);
            if (stream.Body is null || stream.Start != from || (stream.End ?? _partial.Size) != end)
            {
                throw new RangeIgnoredException();
            }

            // The server answers ranges: use the free slots (asked again after every open and every part).
            Spawn();

            var before = _map.Done(part);
            try
            {
                await CopyAsync(stream.Body, part, from, end, buffer, token).ConfigureAwait(false);
                _partial.StartWriteback(start, end - start);
                return;
            }
            catch (Exception ex) when (ReadRetries.IsRetryable(ex))
            {
                await ReadRetries.RetryOrThrowAsync(_reader, _partial, ex, _map.Done(part) - before, token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Copies one part's body to its offsets a buffer at a time. One byte more than the part is asked for, so that
    /// a longer body is a SizeMismatch; what arrived before a failure is written and counted.
    /// </summary>
    private async Task CopyAsync(Stream body, int part, long from, long end, byte[] buffer, CancellationToken token)
    {
        var position = from;
        var size = Math.Min(buffer.Length, _reader.BufferSize);
        while (true)
        {
            var want = (int)Math.Min(size, end - position + 1);
            var filled = 0;
            try
            {
                while (filled < want)
                {
                    var read = await body.ReadAsync(buffer, filled, want - filled, token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                }
            }
            catch
            {
                Write(part, buffer, (int)Math.Min(filled, end - position), position);
                throw;
            }

            if (position + filled > end)
            {
                throw TransferErrors.TooLong(_reader.Target, _partial.Blob.Digest, _partial.Size);
            }

            HashInline(buffer, filled, position);
            Write(part, buffer, filled, position);
            position += filled;
            if (filled < want)
            {
                if (position < end)
                {
                    throw TransferErrors.EndedEarly(_reader.Target, _partial.Blob.Digest, position, _partial.Size);
                }

                return;
            }
        }
    }

    private void Write(int part, byte[] buffer, int count, long offset)
    {
        if (count <= 0)
        {
            return;
        }

        _partial.WriteAt(buffer, count, offset);
        lock (_progressGate)
        {
            _progress(_map.Advance(part, count));
        }

        if (_written.CurrentCount == 0)
        {
            // Wakes the hasher; a race that releases twice only makes it look once more.
            _written.Release();
        }
    }

    /// <summary>Hashes bytes about to be written at <paramref name="offset"/> from their buffer, if that is where the hash is and nobody else is hashing.</summary>
    private void HashInline(byte[] buffer, int count, long offset)
    {
        if (count <= 0 || !TryBeginHashing(offset))
        {
            return;
        }

        try
        {
            _partial.HashArriving(buffer, count);
        }
        finally
        {
            EndHashing();
        }
    }

    /// <summary>Takes the right to advance the hash (at <paramref name="at"/>, when given).</summary>
    private bool TryBeginHashing(long? at = null)
    {
        lock (_hashGate)
        {
            if (_hashing || (at is long offset && _partial.Position != offset))
            {
                return false;
            }

            _hashing = true;
            return true;
        }
    }

    private void EndHashing()
    {
        lock (_hashGate)
        {
            _hashing = false;
        }
    }

    /// <summary>Hashes the file from the hashed position as far as it is written without a gap, until the whole blob is.</summary>
    private async Task HashAsync(CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(HashBufferSize);
        try
        {
            while (_partial.Position < _partial.Size)
            {
                if (TryBeginHashing())
                {
                    var hashed = false;
                    try
                    {
                        var end = _map.ContiguousEnd(_partial.Position);
                        if (end > _partial.Position)
                        {
                            _partial.HashWritten(end, buffer, token);
                            hashed = true;
                        }
                    }
                    finally
                    {
                        EndHashing();
                    }

                    if (hashed)
                    {
                        continue;
                    }
                }

                await _written.WaitAsync(token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Fail(ex);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _written.Dispose();

    /// <summary>A part was answered with something else (the whole blob, another range): the blob goes on in one stream.</summary>
    private sealed class RangeIgnoredException : Exception
    {
    }
}
