using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>
/// A client of the OCI distribution API (manifests, blobs, tags, uploads) over one HttpClient.
/// Registries are named <c>host[:port]</c>; repositories and references are plain strings.
/// Safe to use concurrently; dispose it when done.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    /// <summary>Manifests and indexes larger than this are refused (as containerd and podman do).</summary>
    public const long MaxManifestSize = 4 * 1024 * 1024;

    private const int MaxErrorBody = 64 * 1024;

    private static readonly Regex RepositoryPattern = new(
        "^[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*$",
        RegexOptions.CultureInvariant);

    private static readonly Regex TagPattern = new("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant);

    private readonly HttpClient _http;
    private readonly SecretRedactor _log;
    private readonly InsecureRegistryPolicy _policy;
    private readonly HttpTransport _transport;
    private readonly RegistryAuthenticator _auth;
    private readonly ConcurrentDictionary<string, RegistrySession> _sessions = new(StringComparer.Ordinal);
    private readonly int _bufferSize;
    private readonly TimeSpan _readIdleTimeout;
    private readonly RetryPolicy _retry;

    public RegistryClient(RegistryClientOptions? options = null)
    {
        options ??= new RegistryClientOptions();
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

        _bufferSize = options.BufferSize;
        _readIdleTimeout = options.ReadIdleTimeout;
        _log = new SecretRedactor(options.Log, options.Trace);
        _retry = new RetryPolicy(options.MaxRetry, options.RetryBudget, options.RetryBaseDelay, options.RetryMaxDelay, options.RetryTimer, options.Clock, _log.Log);
        var conf = options.UseRegistriesConf ? RegistriesConf.Load(options.Environment, _log.Log) : RegistriesConf.Empty;
        _policy = new InsecureRegistryPolicy(options.InsecureRegistries, conf, options.LoopbackIsInsecure);
        var certificates = new CertificateValidator(options.TrustedCertificates.Cast<X509Certificate2>(), _policy.IsInsecure, _log);
        var proxy = SelectProxy(options.Environment, _log);
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
        _transport = new HttpTransport(_http, _policy, certificates, _log, options.RequestTimeout, options.MinTransferRate, options.TransferRateWindow);
        var credentials = new CredentialResolver(options.Credentials, options.Environment, options.UseCredentialFiles, _log);
        _auth = new RegistryAuthenticator(_transport, credentials, _log, options.Clock);
    }

    /// <summary>Token requests sent so far (tests check caching with it).</summary>
    internal int TokenRequests => _auth.TokenRequests;

    /// <summary>
    /// Checks that the registry answers the distribution API at <c>/v2/</c>, and learns which
    /// scheme works and how it wants to be authenticated. Other calls do this on first use.
    /// </summary>
    public async Task PingAsync(string registry, CancellationToken cancellationToken = default)
    {
        await ConnectAsync(RegistryAddress.Parse(registry), cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _http.Dispose();
        _auth.Dispose();
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
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

    private async Task<RegistrySession> ConnectAsync(RegistryAddress address, CancellationToken cancellationToken)
    {
        var session = _sessions.GetOrAdd(address.Key + "|" + address.ExplicitScheme, _ => new RegistrySession(address));
        if (session.BaseUri is not null)
        {
            return session;
        }

        await session.ConnectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (session.BaseUri is not null)
            {
                return session;
            }

            // Like podman and skopeo: an insecure registry is tried over https (its certificate is then
            // accepted unverified, and logged) before plain http, so registries that do serve TLS keep it.
            // Both are asked at once, though: the http answer is only used when https fails, and a loopback
            // registry (nearly always plain http) no longer waits for a TLS failure first.
            var insecureReason = _policy.Reason(address);
            if (address.ExplicitScheme is string explicitScheme || insecureReason is null)
            {
                var only = address.BaseUri(address.ExplicitScheme ?? "https");
                Connected(session, only, await PingAsync(session, only, retryConnection: true, cancellationToken).ConfigureAwait(false));
                return session;
            }

            using var fallback = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var httpsUri = address.BaseUri("https");
            var httpUri = address.BaseUri("http");
            var https = PingAsync(session, httpsUri, retryConnection: false, cancellationToken);
            var http = PingAsync(session, httpUri, retryConnection: true, fallback.Token);
            RegistryException httpsFailure;
            var useHttp = false;
            try
            {
                Connected(session, httpsUri, await https.ConfigureAwait(false));
                return session;
            }
            catch (RegistryException ex) when (ex.ErrorId is ErrorIds.RegistryUnreachable or ErrorIds.RegistryCertificateUntrusted or ErrorIds.RegistryTooSlow)
            {
                _log.Log($"'{address.Key}' did not answer over https ({ex.Message}); trying plain http because {insecureReason}.");
                httpsFailure = ex;
                useHttp = true;
            }
            finally
            {
                if (!useHttp)
                {
                    // https decided (it answered, or its error is the one to report): stop the http probe.
                    fallback.Cancel();
                    _ = http.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                }
            }

            try
            {
                Connected(session, httpUri, await http.ConfigureAwait(false));
                return session;
            }
            catch (RegistryException ex) when (ex.ErrorId == ErrorIds.RegistryUnreachable)
            {
                throw new RegistryException(
                    ErrorIds.RegistryUnreachable,
                    ErrorKind.ConnectionError,
                    $"Registry '{address.Key}' could not be reached over https ({httpsFailure.Message}) nor http ({ex.Message}).",
                    address.Key,
                    url: ex.Url,
                    innerException: ex);
            }
        }
        finally
        {
            session.ConnectLock.Release();
        }
    }

    /// <summary>Asks <c>/v2/</c> at <paramref name="baseUri"/> whether the API is there and how it wants to be authenticated.</summary>
    /// <returns>The challenge of a 401 answer; null when the registry needs no authentication.</returns>
    private async Task<AuthChallenge?> PingAsync(RegistrySession session, Uri baseUri, bool retryConnection, CancellationToken cancellationToken)
    {
        var address = session.Address;
        using var response = await WithRetriesAsync(
            HttpMethod.Get,
            null,
            _ => _transport.SendAsync(
                HttpMethod.Get, new Uri(baseUri, "v2/"), null, null, null, null,
                HttpCompletionOption.ResponseHeadersRead, address.Key, cancellationToken),
            _retry.Begin(),
            retryConnection,
            cancellationToken).ConfigureAwait(false);
        AuthChallenge? challenge = null;
        if (response.Status == HttpStatusCode.Unauthorized)
        {
            challenge = ChallengeOf(response);
            if (challenge is null)
            {
                _log.Log($"'{address.Key}' answered 401 without a Basic or Bearer challenge; requests stay anonymous.");
            }
        }
        else if (response.Status == HttpStatusCode.NotFound)
        {
            throw RegistryErrors.Protocol(address.Key, response.Url, address.Key, $"'{address.Key}' does not serve the OCI distribution API at {SafeUrl.Format(response.Url)} (HTTP 404). Check the registry name.");
        }
        else if (!response.IsSuccess)
        {
            throw await ErrorAsync(session, null, response, NotFoundMeaning.Other, address.Key, cancellationToken).ConfigureAwait(false);
        }

        return challenge;
    }

    private void Connected(RegistrySession session, Uri baseUri, AuthChallenge? challenge)
    {
        session.Challenge = challenge;
        session.BaseUri = baseUri;
        _log.Log($"Registry '{session.Address.Key}' answers at {baseUri}; authentication: {(challenge is null ? "none" : challenge.ToString())}.");
    }

    /// <summary>
    /// Sends a request to the registry with the Authorization its challenge needs for
    /// <paramref name="scope"/>, retrying as <see cref="RetryPolicy"/> allows. A response with a
    /// retryable status is returned once retrying stops; the error made from it says so.
    /// </summary>
    private Task<RegistryResponse> SendAsync(
        RegistrySession session,
        string? repository,
        string? scope,
        HttpMethod method,
        Uri uri,
        Action<HttpRequestMessage>? configure,
        Func<HttpContent>? content,
        HttpCompletionOption completion,
        CancellationToken cancellationToken) =>
        SendAsync(session, repository, scope, method, uri, configure, content, completion, _retry.Begin(), cancellationToken);

    /// <param name="retry">The operation's retry bookkeeping, shared by all its requests (a resumed blob download sends several).</param>
    private Task<RegistryResponse> SendAsync(
        RegistrySession session,
        string? repository,
        string? scope,
        HttpMethod method,
        Uri uri,
        Action<HttpRequestMessage>? configure,
        Func<HttpContent>? content,
        HttpCompletionOption completion,
        RetryState retry,
        CancellationToken cancellationToken) =>
        WithRetriesAsync(
            method,
            content,
            tracked => SendAuthorizedAsync(session, repository, scope, method, uri, configure, tracked, completion, cancellationToken),
            retry,
            retryConnection: true,
            cancellationToken);

    /// <summary>
    /// Runs <paramref name="attempt"/> until it gets an answer that is not worth repeating, or retrying
    /// stops: then the last response is returned (with <see cref="RegistryResponse.Retry"/> set) or the
    /// last failure is thrown, saying how many attempts were made.
    /// </summary>
    /// <param name="attempt">Sends once; receives the content factory to use, which records what it made.</param>
    /// <param name="retryConnection">Whether failed connections are retried (statuses always are).</param>
    private async Task<RegistryResponse> WithRetriesAsync(
        HttpMethod method,
        Func<HttpContent>? content,
        Func<Func<HttpContent>?, Task<RegistryResponse>> attempt,
        RetryState retry,
        bool retryConnection,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            HttpContent? sent = null;
            Func<HttpContent>? tracked = content is null ? null : () => sent = content();
            RegistryResponse response;
            try
            {
                response = await attempt(tracked).ConfigureAwait(false);
            }
            catch (RegistryException ex) when (RetryPolicy.IsTransient(ex))
            {
                var repeatable = retryConnection && RetryPolicy.MayRepeat(method, ex.StatusCode) && CanReplay(sent);
                if (!repeatable || !await retry.TryWaitAsync(ex.Message, null, cancellationToken).ConfigureAwait(false))
                {
                    throw retry.Final(ex);
                }

                continue;
            }

            response.Retry = retry;
            if (!RetryPolicy.IsRetryableStatus(response.Status) || !RetryPolicy.MayRepeat(method, response.Status) || !CanReplay(sent) ||
                !retry.TryScheduleRetry($"HTTP {(int)response.Status} from {method} {SafeUrl.Format(response.Url)}", _retry.RetryAfter(response.Message), out var delay))
            {
                return response;
            }

            response.Dispose();
            await retry.WaitAsync(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a request body can be sent again: none, bytes in memory, or a seekable stream.</summary>
    private static bool CanReplay(HttpContent? content) =>
        content is null or ByteArrayContent || (content is StreamUploadContent upload && upload.CanReplay);

    /// <summary>
    /// One attempt: the Authorization the challenge needs for <paramref name="scope"/>; on a 401 with a
    /// new challenge or a stale token it asks once more.
    /// </summary>
    private async Task<RegistryResponse> SendAuthorizedAsync(
        RegistrySession session,
        string? repository,
        string? scope,
        HttpMethod method,
        Uri uri,
        Action<HttpRequestMessage>? configure,
        Func<HttpContent>? content,
        HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        var baseUri = session.BaseUri!;
        var auth = await _auth.AuthorizeAsync(session, repository, scope, renew: false, cancellationToken).ConfigureAwait(false);
        var response = await _transport.SendAsync(method, uri, configure, content, auth.Header, baseUri, completion, session.Address.Key, cancellationToken).ConfigureAwait(false);
        if (response.Status != HttpStatusCode.Unauthorized || !HttpTransport.SameAuthority(response.Url, baseUri))
        {
            return response;
        }

        var challenge = ChallengeOf(response);
        if (challenge is null)
        {
            return response;
        }

        var previous = session.Challenge;
        var changed = previous is null ||
            !string.Equals(previous.Scheme, challenge.Scheme, StringComparison.OrdinalIgnoreCase) ||
            !string.Equals(previous.Realm, challenge.Realm, StringComparison.Ordinal);
        if (!changed && auth.Fresh)
        {
            return response;
        }

        if (changed)
        {
            session.Challenge = challenge;
        }

        var retry = await _auth.AuthorizeAsync(session, repository, scope, renew: true, cancellationToken).ConfigureAwait(false);
        if (retry.Header is null || (auth.Header is not null && string.Equals(retry.Header.ToString(), auth.Header.ToString(), StringComparison.Ordinal)))
        {
            return response;
        }

        response.Dispose();
        _log.Trace("  retrying with new authorization.");
        return await _transport.SendAsync(method, uri, configure, content, retry.Header, baseUri, completion, session.Address.Key, cancellationToken).ConfigureAwait(false);
    }

    private static AuthChallenge? ChallengeOf(RegistryResponse response) =>
        response.Message.Headers.TryGetValues("WWW-Authenticate", out var values) ? AuthChallenge.Select(values) : null;

    private async Task<RegistryException> ErrorAsync(
        RegistrySession session, string? repository, RegistryResponse response, NotFoundMeaning notFound, string target, CancellationToken cancellationToken)
    {
        byte[]? body = null;
        var method = response.Message.RequestMessage?.Method ?? HttpMethod.Get;
        if (method != HttpMethod.Head)
        {
            try
            {
                body = await _transport.ReadBoundedAsync(response.Content, MaxErrorBody, session.Address.Key, response.Url, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException)
            {
                // The status alone still says what went wrong.
            }
        }

        var errors = OciErrorBody.Parse(body).Redacted(_log.Redact);
        RegistryCredential? credential = null;
        if (response.Message.RequestMessage?.Headers.Authorization is not null)
        {
            credential = await _auth.CredentialAsync(session, repository, cancellationToken).ConfigureAwait(false);
        }

        var error = RegistryErrors.FromResponse(response.Status, method.Method, response.Url, errors, notFound, target, session.Address.Key, credential, ChallengeOf(response)).Redacted(_log.Redact);
        if (response.Retry is RetryState retry)
        {
            error = retry.Final(error);
        }

        _log.Trace($"  {error.ErrorId}: {error.Message}");
        return error;
    }

    private static string PullScope(string repository) => "repository:" + repository + ":pull";

    private static string PushScope(string repository) => "repository:" + repository + ":pull,push";

    private static void ValidateRepository(string repository)
    {
        if (repository is null || repository.Length > 255 || !RepositoryPattern.IsMatch(repository))
        {
            throw new ModelPackException(
                ErrorIds.InvalidReference,
                ErrorKind.InvalidArgument,
                $"Repository name '{repository}' is invalid: use lower-case letters, digits and separators (. _ __ -), with '/' between path components.",
                repository);
        }
    }

    /// <summary>Validates a tag or digest; returns the digest when it is one.</summary>
    private static Digest? ParseReference(string reference)
    {
        if (reference is not null && reference.IndexOf(':') >= 0)
        {
            return ParseDigest(reference);
        }

        if (reference is null || !TagPattern.IsMatch(reference))
        {
            throw new ModelPackException(
                ErrorIds.InvalidReference,
                ErrorKind.InvalidArgument,
                $"'{reference}' is neither a valid tag (up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -) nor a digest.",
                reference);
        }

        return null;
    }

    private static Digest ParseDigest(string digest)
    {
        if (!Digest.TryParse(digest, out var parsed, out var error))
        {
            throw new ModelPackException(ErrorIds.InvalidReference, ErrorKind.InvalidArgument, error, digest);
        }

        if (!parsed.IsVerifiable)
        {
            throw new ModelPackException(
                ErrorIds.UnsupportedDigest,
                ErrorKind.InvalidData,
                $"Digest '{digest}' uses the algorithm '{parsed.Algorithm}', which cannot be verified; only {DigestAlgorithm.Names} are supported.",
                digest);
        }

        return parsed;
    }

    private static string Target(RegistryAddress address, string repository, string reference) =>
        address.Key + "/" + repository + (reference.IndexOf(':') >= 0 ? "@" : ":") + reference;

    private static Uri ApiUri(RegistrySession session, string relative) => new(session.BaseUri!, relative);

    private static string? HeaderValue(RegistryResponse response, string name) =>
        response.Message.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() :
        response.Content is not null && response.Content.Headers.TryGetValues(name, out var contentValues) ? contentValues.FirstOrDefault() : null;

    private static IEnumerable<string> HeaderValues(RegistryResponse response, string name) =>
        response.Message.Headers.TryGetValues(name, out var values) ? values : Enumerable.Empty<string>();
}
