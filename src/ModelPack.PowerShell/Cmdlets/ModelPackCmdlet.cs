using System;
using System.Management.Automation;
using ModelPack.Core.Errors;

namespace ModelPack.Cmdlets;

/// <summary>Shared plumbing: Core exceptions become ErrorRecords with their ErrorId, category and target.</summary>
public abstract class ModelPackCmdlet : PSCmdlet
{
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
}
