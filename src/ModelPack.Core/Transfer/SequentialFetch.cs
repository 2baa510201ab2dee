using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Transfer;

/// <summary>
/// Fetches a blob as one stream, opened again after the position on disk whenever a connection drops or stalls
/// (as long as the source's retry policy allows), with the hash carried over. Each buffer is filled from the
/// stream and hashed piece by piece as it arrives (still in the CPU cache), then written in one call, all on the
/// download's own thread: handing the hash or the write to another thread was measured slower on small
/// machines, where the cross-core wake-ups cost more than the overlap gains and concurrent blobs already keep
/// the cores busy. A failure or a cancellation writes what did arrive before it ends the read.
/// </summary>
internal sealed class SequentialFetch : IBlobFetch
{
    public static SequentialFetch Instance { get; } = new();

    public async Task<long> FetchAsync(IBlobReader reader, PartialBlob partial, Action<long> progress, TransferSlots slots, CancellationToken cancellationToken)
    {
        // A download begun in parts goes on after the prefix it hashed.
        partial.EndParts();
        while (true)
        {
            try
            {
                await FillAsync(reader, partial, progress, cancellationToken).ConfigureAwait(false);
                partial.Verify(reader.Target);
                return partial.Received;
            }
            catch (ModelPackException ex) when (partial.StartOverAfter(ex, reader))
            {
                // Bytes of an earlier session, or of a mirror, may have been what was wrong: once more from byte 0.
            }
        }
    }

    private static async Task FillAsync(IBlobReader reader, PartialBlob partial, Action<long> progress, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(reader.BufferSize);
        try
        {
            while (partial.Position < partial.Size)
            {
                var from = partial.Position;
                using var stream = await reader.OpenAsync(from, cancellationToken).ConfigureAwait(false);
                if (stream.Start != from)
                {
                    partial.TryStartOver(StartOverReason.OffsetIgnored, $"asked for the bytes from {from}, it sent {(stream.Body is null ? "other bytes" : "the whole blob")}");
                    if (stream.Body is null)
                    {
                        continue;
                    }
                }

                progress(partial.Position);
                var before = partial.Position;
                try
                {
                    await CopyAsync(stream.Body!, partial, buffer, reader, progress, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ReadRetries.IsRetryable(ex))
                {
                    await ReadRetries.RetryOrThrowAsync(reader, partial, ex, partial.Position - before, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Copies one stream into the partial file. Asking for one byte beyond the blob's size detects an oversized
    /// body (SizeMismatch); bytes past the size are never hashed.
    /// </summary>
    private static async Task CopyAsync(Stream body, PartialBlob partial, byte[] buffer, IBlobReader reader, Action<long> progress, CancellationToken cancellationToken)
    {
        var size = partial.Size;
        var bufferSize = Math.Min(buffer.Length, reader.BufferSize);
        var ended = false;
        while (!ended)
        {
            var filled = 0;
            while (filled < bufferSize)
            {
                var want = (int)Math.Min(bufferSize - filled, size + 1 - partial.Position - filled);
                if (want <= 0)
                {
                    break;
                }

                int read;
                try
                {
                    read = await body.ReadAsync(buffer, filled, want, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // What arrived is hashed already: keep it, so the retry (or, after Ctrl+C, the next session)
                    // resumes after it. Never more than the blob: an oversized body is not worth keeping a prefix of.
                    await partial.WriteHashedAsync(buffer, (int)Math.Min(filled, size - partial.Position), CancellationToken.None).ConfigureAwait(false);
                    await partial.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    throw;
                }

                if (read == 0)
                {
                    ended = true;
                    break;
                }

                partial.Hash(buffer, filled, (int)Math.Max(0, Math.Min(read, size - partial.Position - filled)));
                filled += read;
            }

            if (partial.Position + filled > size)
            {
                throw TransferErrors.TooLong(reader.Target, partial.Blob.Digest, size);
            }

            if (filled > 0)
            {
                await partial.WriteHashedAsync(buffer, filled, cancellationToken).ConfigureAwait(false);
                progress(partial.Position);
            }
        }

        await partial.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (partial.Position < size)
        {
            // A source whose stream just ends (a registry's says why itself, as a dropped connection).
            throw TransferErrors.EndedEarly(reader.Target, partial.Blob.Digest, partial.Position, size);
        }
    }
}
