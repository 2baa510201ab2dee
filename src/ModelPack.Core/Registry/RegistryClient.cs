using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.References;

namespace ModelPack.Core.Registry;

/// <summary>
/// A client of the OCI distribution API over one HttpClient: its sessions (scheme, challenge), tokens,
/// credentials, retries and transfer limits. Operations go through a <see cref="RegistryRepository"/> bound to
/// one parsed reference (<see cref="Repository(ModelReference)"/>). Safe to use concurrently; dispose it when done.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    /// <summary>Manifests and indexes larger than this are refused (as containerd and podman do).</summary>
    public const long MaxManifestSize = 4 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly RegistryAuthenticator _auth;
    private readonly RegistriesConf _conf;
    private readonly ConcurrentDictionary<string, bool> _down = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _described = new(StringComparer.Ordinal);

    public RegistryClient(RegistryClientOptions? options = null)
    {
        options ??= new RegistryClientOptions();
        Validate(options);
        BufferSize = options.BufferSize;
        ReadIdleTimeout = options.ReadIdleTimeout;
        Log = new SecretRedactor(options.Log, options.Trace);
        var retry = new RetryPolicy(options, Log.Log);
        var conf = _conf = options.UseRegistriesConf ? RegistriesConf.Load(options.Environment, Log.Log) : RegistriesConf.Empty;
        var policy = new InsecureRegistryPolicy(options.InsecureRegistries, conf, options.LoopbackIsInsecure);
        var certificates = new CertificateValidator(options.TrustedCertificates.Cast<X509Certificate2>(), policy.IsInsecure, Log);
        var proxy = SelectProxy(options.Environment, Log);
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseDefaultCredentials = false,
            PreAuthenticate = false,
            UseProxy = proxy is not null,
            Proxy = proxy,
            ServerCertificateCustomValidationCallback = certificates.Validate,
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.TryParseAdd(options.UserAgent);
        Transport = new HttpTransport(_http, policy, certificates, Log, options);
        var credentials = new CredentialResolver(options.Credentials, options.Environment, options.UseCredentialFiles, Log);
        _auth = new RegistryAuthenticator(Transport, credentials, Log, options.Clock);
        Sender = new RegistrySender(Transport, _auth, retry, Log);
        Connector = new RegistryConnector(Sender, policy, Log);
    }

    /// <summary>Token requests sent so far (tests check caching with it).</summary>
    internal int TokenRequests => _auth.TokenRequests;

    internal HttpTransport Transport { get; }

    internal RegistrySender Sender { get; }

    internal RegistryConnector Connector { get; }

    internal SecretRedactor Log { get; }

    /// <summary>Bytes per read and per upload write (<see cref="RegistryClientOptions.BufferSize"/>).</summary>
    internal int BufferSize { get; }

    /// <summary>How long a blob body may send nothing before the connection counts as dropped.</summary>
    internal TimeSpan ReadIdleTimeout { get; }

    /// <summary>
    /// The repository a pull of <paramref name="reference"/> reads: the one place that decides which endpoints serve
    /// it. registries.conf may block the name, move it (<c>location</c>) and put mirrors in front of it
    /// (<see cref="PullSources"/>); without a matching table it is the registry and repository the reference names.
    /// </summary>
    /// <exception cref="Errors.ModelPackException">RegistryBlocked; InvalidConfiguration for a location that makes no valid name.</exception>
    internal RegistryRepository Repository(ModelReference reference)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        var sources = PullSources.For(reference, _conf);
        var repository = new RegistryRepository(this, RegistryAddress.Parse(sources.Location.Registry), sources.Location.Repository);
        repository.UseMirrors(sources.Mirrors.Select(m => new RegistryRepository(this, RegistryAddress.Parse(m.Registry), m.Repository)).ToList());
        if (sources.Redirected(reference) && _described.TryAdd(reference.ToString(), true))
        {
            var mirrors = sources.Mirrors.Count == 0 ? "no mirrors" : "mirrors " + string.Join(", ", sources.Mirrors.Select(m => "'" + m + "'")) + " first";
            Log.Log($"registries.conf '{sources.Entry!.Source}' ([[registry]] '{sources.Entry.Prefix}'): '{reference}' is pulled from '{sources.Location}', {mirrors}.");
        }

        return repository;
    }

    /// <summary>The repository a push of <paramref name="reference"/> writes: the one it names (registries.conf redirects only pulls).</summary>
    internal RegistryRepository PushRepository(ModelReference reference) =>
        new(this, RegistryAddress.Parse((reference ?? throw new ArgumentNullException(nameof(reference))).Registry), reference.Repository);

    /// <summary>A mirror that could not be reached: later reads of this client pass it over.</summary>
    internal void MarkDown(string registry)
    {
        if (_down.TryAdd(registry, true))
        {
            Log.Log($"Mirror registry '{registry}' could not be reached; this session's other reads skip it.");
        }
    }

    internal bool IsDown(string registry) => _down.ContainsKey(registry);

    /// <summary>A repository given as registry (<c>host[:port]</c>, optionally with a scheme) and name, validated once.</summary>
    internal RegistryRepository Repository(string registry, string repository) =>
        new(this, RegistryAddress.Parse(registry), repository);

    /// <summary>
    /// Checks that the registry answers the distribution API at <c>/v2/</c>, and learns which scheme works and
    /// how it wants to be authenticated. Other calls do this on first use.
    /// </summary>
    internal async Task PingAsync(string registry, CancellationToken cancellationToken = default) =>
        await Connector.ConnectAsync(RegistryAddress.Parse(registry), cancellationToken).ConfigureAwait(false);

    public void Dispose()
    {
        _http.Dispose();
        _auth.Dispose();
        Connector.Dispose();
    }

    private static void Validate(RegistryClientOptions options)
    {
        if (options.BufferSize < 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BufferSize must be at least 4096 bytes.");
        }

        if (options.MaxRetry < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxRetry must be 0 or more.");
        }

        if (options.MinTransferRate < 0 || options.TransferRateWindow <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MinTransferRate must not be negative and TransferRateWindow must be positive.");
        }

        if (options.RetryBudget < TimeSpan.Zero || options.RetryBaseDelay < TimeSpan.Zero || options.RetryMaxDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "RetryBudget, RetryBaseDelay and RetryMaxDelay must not be negative.");
        }
    }

    private static IWebProxy? SelectProxy(RegistryEnvironment environment, SecretRedactor log)
    {
        var fromEnvironment = EnvironmentProxy.Create(environment, log);
        if (fromEnvironment is not null)
        {
            return fromEnvironment;
        }

        // No proxy variables: the system's proxy (Windows settings) for the real process; none for
        // an injected environment, which is the whole truth for its caller.
        return environment.IsProcessEnvironment && WebRequest.DefaultWebProxy is IWebProxy system
            ? new LoopbackBypassProxy(system)
            : null;
    }
}
