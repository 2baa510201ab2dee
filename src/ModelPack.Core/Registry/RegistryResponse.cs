using System;
using System.Net;
using System.Net.Http;

namespace ModelPack.Core.Registry;

/// <summary>A response and the request that produced it (after redirects), disposed together.</summary>
internal sealed class RegistryResponse : IDisposable
{
    public RegistryResponse(HttpResponseMessage message, Uri url)
    {
        Message = message;
        Url = url;
    }

    public HttpResponseMessage Message { get; }

    /// <summary>The URL that answered (the last one, when redirects were followed).</summary>
    public Uri Url { get; }

    public HttpStatusCode Status => Message.StatusCode;

    public bool IsSuccess => Message.IsSuccessStatusCode;

    public HttpContent Content => Message.Content;

    /// <summary>The retries that led to this response; an error made from it says how many there were.</summary>
    public RetryState? Retry { get; set; }

    public void Dispose()
    {
        Message.RequestMessage?.Dispose();
        Message.Dispose();
    }
}
