using System;
using System.Net.Http;

namespace ModelPack.Core.Registry;

/// <summary>
/// One request to a registry as <see cref="RegistrySender"/> sends it: the method and URL, the repository whose
/// credentials and token scope it needs, how the HTTP request is completed, and the retry bookkeeping it shares
/// with the other requests of its operation.
/// </summary>
internal sealed class RegistryRequest
{
    public RegistryRequest(HttpMethod method, Uri uri)
    {
        Method = method ?? throw new ArgumentNullException(nameof(method));
        Uri = uri ?? throw new ArgumentNullException(nameof(uri));
    }

    public HttpMethod Method { get; }

    public Uri Uri { get; }

    /// <summary>The repository whose credential is used (auth files may name one); null for the registry itself.</summary>
    public string? Repository { get; set; }

    /// <summary>The token scope the request needs (<c>repository:NAME:pull</c>...); null for none.</summary>
    public string? Scope { get; set; }

    /// <summary>Adds headers (Accept, Range) to each attempt's request.</summary>
    public Action<HttpRequestMessage>? Configure { get; set; }

    /// <summary>Makes the body of each attempt (null: no body).</summary>
    public Func<HttpContent>? Content { get; set; }

    /// <summary>
    /// The retry bookkeeping of the operation this request belongs to (a resumed blob download sends several);
    /// null starts a fresh one.
    /// </summary>
    public RetryState? Retry { get; set; }

    /// <summary>Whether failed connections are retried (statuses always are); the http probe of a connect is not.</summary>
    public bool RetryConnection { get; set; } = true;

    /// <summary>Send the Authorization the session's challenge needs (false for the /v2/ probe).</summary>
    public bool Authorize { get; set; } = true;
}
