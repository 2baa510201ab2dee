using System;
using System.Net;

namespace ModelPack.Core.Registry;

/// <summary>A failed registry answer and what is known about the request: what <see cref="RegistryErrors.FromResponse"/> needs.</summary>
internal sealed class FailedAnswer
{
    public FailedAnswer(HttpStatusCode status, string method, Uri url, OciErrorBody body)
    {
        Status = status;
        Method = method;
        Url = url;
        Body = body;
    }

    public HttpStatusCode Status { get; }

    public string Method { get; }

    public Uri Url { get; }

    /// <summary>The OCI error body (codes and messages), already redacted.</summary>
    public OciErrorBody Body { get; }

    /// <summary>What a 404 means for this request.</summary>
    public NotFoundMeaning NotFound { get; set; } = NotFoundMeaning.Other;

    /// <summary>What was asked for (<c>host/repo:tag</c>, a digest), the ErrorRecord's target.</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary><c>host[:port]</c>.</summary>
    public string Registry { get; set; } = string.Empty;

    /// <summary>The credential the request was sent with, when it was authorized.</summary>
    public RegistryCredential? Credential { get; set; }

    /// <summary>The challenge the answer carried.</summary>
    public AuthChallenge? Challenge { get; set; }
}
