using System;

namespace ModelPack.Core.Errors;

/// <summary>
/// Base of every failure Core reports to callers: a stable <see cref="ErrorId"/> (documented, used as
/// the PowerShell ErrorRecord id), a <see cref="Kind"/>, and the value that caused it.
/// </summary>
public class ModelPackException : Exception
{
    public ModelPackException(string errorId, ErrorKind kind, string message, object? target = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public ModelPackException()
        : this("ModelPackError", ErrorKind.NotSpecified, "A ModelPack operation failed.")
    {
    }

    public ModelPackException(string message)
        : this("ModelPackError", ErrorKind.NotSpecified, message)
    {
    }

    public ModelPackException(string message, Exception innerException)
        : this("ModelPackError", ErrorKind.NotSpecified, message, null, innerException)
    {
    }

    public string ErrorId { get; }

    public ErrorKind Kind { get; }

    /// <summary>The offending value (a reference, a path, a digest), never a secret.</summary>
    public object? Target { get; }
}
