using System;
using System.Collections.Generic;
using System.Net;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Registry;

/// <summary>
/// A registry refused or failed a request: carries the HTTP status, the OCI error codes of the
/// response body (MANIFEST_UNKNOWN, DENIED...) and the URL without query string or user info.
/// </summary>
public sealed class RegistryException : ModelPackException
{
    private static readonly IReadOnlyList<string> NoCodes = Array.Empty<string>();
    private IReadOnlyList<string> _errorCodes = NoCodes;

    public RegistryException(
        string errorId,
        ErrorKind kind,
        string message,
        object? target,
        Exception? innerException = null)
        : base(errorId, kind, message, target, innerException)
    {
    }

    public RegistryException()
        : this(ErrorIds.RegistryError, ErrorKind.NotSpecified, "A registry request failed.", null)
    {
    }

    public RegistryException(string message)
        : this(ErrorIds.RegistryError, ErrorKind.NotSpecified, message, null)
    {
    }

    public RegistryException(string message, Exception innerException)
        : this(ErrorIds.RegistryError, ErrorKind.NotSpecified, message, null, innerException)
    {
    }

    /// <summary>The HTTP status of the failed response; null when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; internal set; }

    /// <summary>The <c>errors[].code</c> values of the OCI error body, e.g. MANIFEST_UNKNOWN.</summary>
    public IReadOnlyList<string> ErrorCodes
    {
        get => _errorCodes;
        internal set => _errorCodes = value ?? NoCodes;
    }

    /// <summary>The request URL without query string or user info (so no tokens).</summary>
    public string? Url { get; internal set; }

    /// <summary>How many times the request was sent before this failure was final (1 when it was not retried).</summary>
    public int Attempts { get; internal set; } = 1;

    /// <summary>
    /// A copy with <paramref name="redact"/> applied to everything a registry may have put in it (message, target,
    /// URL, codes). Only for exceptions made from a response, which have no inner exception to carry the original.
    /// </summary>
    internal RegistryException Redacted(Func<string, string> redact)
    {
        var codes = new List<string>();
        foreach (var code in ErrorCodes)
        {
            codes.Add(redact(code));
        }

        return new RegistryException(ErrorId, Kind, redact(Message), Target is string target ? redact(target) : Target, InnerException)
        {
            StatusCode = StatusCode,
            ErrorCodes = codes,
            Url = Url is null ? null : redact(Url),
            Attempts = Attempts,
        };
    }
}
