using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>
/// Shared plumbing: Core exceptions become ErrorRecords with their ErrorId, category and target;
/// StopProcessing (Ctrl+C) cancels <see cref="StopToken"/>; Core work runs on a task while the pipeline thread
/// writes what it reports (<see cref="Run{T}"/>); one input's failure is reported and the pipeline goes on
/// (<see cref="Attempt"/>). PowerShell disposes the cmdlet at the end of the pipeline.
/// </summary>
public abstract class ModelPackCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private volatile PipelinePump? _pump;
    private int _nextActivityId;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    internal static ErrorCategory CategoryOf(ErrorKind kind) => kind switch
    {
        ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        ErrorKind.SecurityError => ErrorCategory.SecurityError,
        ErrorKind.OperationStopped => ErrorCategory.OperationStopped,
        ErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        _ => ErrorCategory.NotSpecified,
    };

    internal static ErrorRecord ToErrorRecord(ModelPackException exception, object? fallbackTarget = null) =>
        new(exception, exception.ErrorId, CategoryOf(exception.Kind), exception.Target ?? fallbackTarget);

    /// <summary>Reports a Core failure for one input and lets the pipeline go on.</summary>
    protected void WriteModelPackError(ModelPackException exception, object? target = null) =>
        WriteError(ToErrorRecord(exception, target));

    protected void WriteError(string errorId, ErrorCategory category, string message, object? target, Exception? inner = null) =>
        WriteError(new ErrorRecord(new ModelPackException(errorId, ErrorKind.NotSpecified, message, target, inner), errorId, category, target));

    protected void ThrowModelPackError(ModelPackException exception, object? target = null) =>
        ThrowTerminatingError(ToErrorRecord(exception, target));

    /// <summary>
    /// Does one input's work. A Core failure is that input's error (target <paramref name="target"/> unless the
    /// exception names one); Ctrl+C stops the pipeline; a file-system failure (the store, a layout, -Path) is
    /// ModelStoreAccessFailed in <paramref name="storeFailure"/>'s category, its message what
    /// <paramref name="storeFailure"/> says failed followed by the system's reason. Returns whether the work finished.
    /// </summary>
    internal bool Attempt(object target, StoreFailure storeFailure, Action work)
    {
        try
        {
            work();
            return true;
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, target);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorIds.ModelStoreAccessFailed, storeFailure.Category, $"{storeFailure.What}: {ex.Message}", storeFailure.Target, ex);
        }

        return false;
    }

    /// <summary>Resolves a PowerShell path (relative to the current location, provider-qualified, ~) to a file-system path.</summary>
    protected string ResolveFileSystemPath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>Parses a reference; an invalid one is reported (InvalidModelReference, InvalidArgument, the string as target) and gives null.</summary>
    protected ModelReference? ParseReferenceOrWriteError(string text)
    {
        try
        {
            return ModelReference.Parse(text);
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, text);
            return null;
        }
    }

    /// <summary>A new Write-Progress activity id, unique in this invocation.</summary>
    internal int NextActivityId() => Interlocked.Increment(ref _nextActivityId);

    /// <summary>Writes a verbose line from any thread (while <see cref="Run{T}"/> runs; dropped otherwise).</summary>
    internal void PostVerbose(string line) => _pump?.Post(() => WriteVerbose(line));

    /// <summary>Writes a debug line (HTTP detail) from any thread (while <see cref="Run{T}"/> runs; dropped otherwise).</summary>
    internal void PostDebug(string line) => _pump?.Post(() => WriteDebug(line));

    /// <summary>Writes a warning from any thread (while <see cref="Run{T}"/> runs; dropped otherwise).</summary>
    internal void PostWarning(string line) => _pump?.Post(() => WriteWarning(line));

    /// <summary>Runs an action on the pipeline thread, from any thread, while <see cref="Run{T}"/> runs.</summary>
    internal void Post(Action action) => _pump?.Post(action);

    /// <summary>
    /// Runs Core work on a task, pumping what it posts to the pipeline thread, honouring Ctrl+C
    /// (PipelineStoppedException); <paramref name="idle"/> runs at least every 100 ms on the pipeline thread.
    /// </summary>
    internal T Run<T>(Func<CancellationToken, Task<T>> work, Action? idle = null)
    {
        var outer = _pump;
        using var pump = new PipelinePump();
        _pump = pump;
        try
        {
            return pump.Run(work, StopToken, idle);
        }
        finally
        {
            _pump = outer;
        }
    }

    /// <summary>
    /// <see cref="Run{T}"/> with Write-Progress: held-back records of <paramref name="writer"/> are flushed while the
    /// work runs, and its Completed records are written when it ends (not after Ctrl+C: the host is tearing the
    /// pipeline down). The work reports through <see cref="Posting{T}"/>.
    /// </summary>
    internal T RunWithProgress<T, TReport>(ProgressWriter<TReport> writer, Func<CancellationToken, Task<T>> work)
    {
        try
        {
            return Run(work, writer.Flush);
        }
        finally
        {
            if (!StopToken.IsCancellationRequested)
            {
                writer.Complete();
            }
        }
    }

    /// <summary>Hands each report from a worker thread to <paramref name="writer"/> on the pipeline thread.</summary>
    internal IProgress<T> Posting<T>(ProgressWriter<T> writer) => new PostingProgress<T>(this, writer.Report);

    protected override void StopProcessing()
    {
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Stopped after the pipeline finished with this cmdlet: nothing left to cancel.
        }

        base.StopProcessing();
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping.Dispose();
        }
    }
}
