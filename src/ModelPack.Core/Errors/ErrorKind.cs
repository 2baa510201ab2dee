namespace ModelPack.Core.Errors;

/// <summary>What kind of failure a <see cref="ModelPackException"/> is; cmdlets map it to an ErrorCategory.</summary>
public enum ErrorKind
{
    NotSpecified,
    ObjectNotFound,
    InvalidData,
    InvalidArgument,
    AuthenticationError,
    PermissionDenied,
    ConnectionError,
    ResourceUnavailable,
    InvalidOperation,
    SecurityError,
    OperationStopped,
    OperationTimeout,
}
