using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Packing;

/// <summary>One request as the front saw it.</summary>
internal sealed record FrontRequest(string Method, string Target, int BodyLength, bool Dropped)
{
    public override string ToString() => $"{Method} {Target} ({BodyLength} bytes){(Dropped ? " DROPPED" : string.Empty)}";
}

/// <summary>
/// A proxy in front of a real registry (the one part of these tests that is not the real thing): it logs every
/// request, rewrites the registry's Location headers to point at itself, and can drop a request's connection
/// without answering (the request never reaches the registry), as a network failure would.
/// </summary>
internal sealed class RegistryFront : IDisposable
{
    private readonly HttpClient _upstream = new();
    private readonly MiniHttpServer _server;
    private readonly string _registryBase;
    private int _patches;

    public RegistryFront(string registryHostPort)
    {
        _registryBase = "http://" + registryHostPort;
        _server = new MiniHttpServer(async (request, response) =>
        {
            var isPatch = request.Method == "PATCH";
            var patchNumber = isPatch ? Interlocked.Increment(ref _patches) : 0;
            if (Drop?.Invoke(request, patchNumber) == true)
            {
                Log.Enqueue(new FrontRequest(request.Method, request.Target, request.Body.Length, true));
                throw new IOException("dropped by the test front");
            }

            Log.Enqueue(new FrontRequest(request.Method, request.Target, request.Body.Length, false));
            await MiniHttpServer.ForwardAsync(_upstream, _registryBase, request, response, rewriteHeaders: headers =>
            {
                for (var i = 0; i < headers.Count; i++)
                {
                    if (headers[i].Key.Equals("Location", StringComparison.OrdinalIgnoreCase))
                    {
                        headers[i] = new(headers[i].Key, headers[i].Value.Replace(_registryBase, _server!.BaseUrl, StringComparison.Ordinal));
                    }
                }
            });
        });
    }

    public string HostPort => _server.HostPort;

    public ConcurrentQueue<FrontRequest> Log { get; } = new();

    /// <summary>Decides, per request (with the running number of PATCH requests), whether to drop it.</summary>
    public Func<MiniRequest, int, bool>? Drop { get; set; }

    public IReadOnlyList<FrontRequest> Requests => Log.ToList();

    /// <summary>Requests that send or change something (anything but GET and HEAD).</summary>
    public IReadOnlyList<FrontRequest> Writes => Log.Where(r => r.Method is not ("GET" or "HEAD")).ToList();

    public void Clear()
    {
        Log.Clear();
        Interlocked.Exchange(ref _patches, 0);
    }

    public void Dispose()
    {
        _server.Dispose();
        _upstream.Dispose();
    }
}
