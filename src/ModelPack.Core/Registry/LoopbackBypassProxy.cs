using System;
using System.Net;

namespace ModelPack.Core.Registry;

/// <summary>The system's proxy, except that loopback destinations always go direct.</summary>
internal sealed class LoopbackBypassProxy : IWebProxy
{
    private readonly IWebProxy _inner;

    public LoopbackBypassProxy(IWebProxy inner) => _inner = inner;

    public ICredentials? Credentials
    {
        get => _inner.Credentials;
        set => _inner.Credentials = value;
    }

    public Uri? GetProxy(Uri destination) => IsBypassed(destination) ? null : _inner.GetProxy(destination);

    public bool IsBypassed(Uri host) => InsecureRegistryPolicy.IsLoopback(host.Host) || _inner.IsBypassed(host);
}
