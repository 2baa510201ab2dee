using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.PowerShell.Tests.Support;

/// <summary>
/// The store tests share one collection: the store location comes from MODELPACK_STORE, a process
/// environment variable, so tests that set it must not run at the same time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<StoreRegistryFixture>
{
    public const string Name = "Local store and registry";
}

/// <summary>
/// Real registries on loopback for the store cmdlets: a plain docker-registry behind a recording
/// front (so tests can count blob GETs, or stall them), and an htpasswd-protected one.
/// </summary>
public sealed class StoreRegistryFixture : IDisposable
{
    public const string User = "alice";
    public const string Password = "S3cret-Pa55-alice";

    private readonly HttpClient _upstream = new();
    private int _repositories;

    public StoreRegistryFixture()
    {
        Registry = RegistryProcess.Start();
        Protected = RegistryProcess.Start(new RegistryProcessOptions { BasicUsers = new Dictionary<string, string> { [User] = Password } });
        Front = new MiniHttpServer(async (request, response) =>
        {
            if (StallBlobs is CancellationToken stall && request.Path.Contains("/blobs/", StringComparison.Ordinal) && request.Method == "GET")
            {
                await Task.Delay(Timeout.Infinite, stall).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            await MiniHttpServer.ForwardAsync(_upstream, "http://" + Registry.HostPort, request, response);
        });
    }

    public RegistryProcess Registry { get; }

    public RegistryProcess Protected { get; }

    /// <summary>Forwards to <see cref="Registry"/> and records every request.</summary>
    public MiniHttpServer Front { get; }

    /// <summary>host:port the cmdlets pull from.</summary>
    public string Host => Front.HostPort;

    /// <summary>While set, blob GETs through the front hang until this token is cancelled.</summary>
    public CancellationToken? StallBlobs { get; set; }

    public int BlobGets(string repository) =>
        Front.Requests.Count(r => r.Method == "GET" && r.Path.StartsWith("/v2/" + repository + "/blobs/", StringComparison.Ordinal));

    /// <summary>A repository name no other test uses.</summary>
    public string NewRepository(string stem) => $"models/{stem}-{Interlocked.Increment(ref _repositories)}";

    public async Task PushAsync(TestArtifact model, string repository, string tag)
    {
        using var client = Client(null);
        await model.PushAsync(client, Registry.HostPort, repository, tag);
    }

    public async Task PushProtectedAsync(TestArtifact model, string repository, string tag)
    {
        using var client = Client(new RegistryCredential(User, Password));
        await model.PushAsync(client, Protected.HostPort, repository, tag);
    }

    public void Dispose()
    {
        Front.Dispose();
        Registry.Dispose();
        Protected.Dispose();
        _upstream.Dispose();
    }

    private RegistryClient Client(RegistryCredential? credential)
    {
        var options = new RegistryClientOptions { UseCredentialFiles = false, UseRegistriesConf = false };
        if (credential is not null)
        {
            options.Credentials[Protected.HostPort] = credential;
        }

        return new RegistryClient(options);
    }
}
