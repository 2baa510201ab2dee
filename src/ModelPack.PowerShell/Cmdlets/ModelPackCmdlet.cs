using System;
using System.Management.Automation;
using System.Threading;
using ModelPack.Core.Errors;
using ModelPack.Core.References;

namespace ModelPack.Cmdlets;

/// <summary>
/// Shared plumbing: Core exceptions become ErrorRecords with their ErrorId, category and target;
/// StopProcessing (Ctrl+C) cancels <see cref="StopToken"/>; PowerShell disposes the cmdlet at the end
/// of the pipeline.
/// </summary>
public abstract class ModelPackCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

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
