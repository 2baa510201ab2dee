using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Transfer;

/// <summary>What a fetch does when reading a blob's stream fails: open it again after the last byte kept, or give up.</summary>
internal static class ReadRetries
{
    /// <summary>Whether <paramref name="failure"/> may be retried at all: not a cancellation, not content of the wrong size.</summary>
    public static bool IsRetryable(Exception failure) =>
        failure is not OperationCanceledException && failure is not ModelPackException { ErrorId: ErrorIds.SizeMismatch };

    /// <summary>
    /// Returns (after the source's backoff) when the stream should be opened again and counts the resume;
    /// otherwise throws the source's final error (<paramref name="failure"/> itself, its stack kept, when the
    /// source has nothing to add).
    /// </summary>
    /// <param name="progressed">What the failed stream delivered.</param>
    public static async Task RetryOrThrowAsync(IBlobReader reader, PartialBlob partial, Exception failure, long progressed, CancellationToken cancellationToken)
    {
        if (!await reader.RetryAsync(failure, progressed, cancellationToken).ConfigureAwait(false))
        {
            var final = reader.Final(failure);
            if (ReferenceEquals(final, failure))
            {
                ExceptionDispatchInfo.Capture(failure).Throw();
            }

            throw final;
        }

        partial.CountRestart();
    }
}
