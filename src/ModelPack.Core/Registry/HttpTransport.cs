using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Registry;

/// <summary>
/// Sends requests over the client's one HttpClient: follows GET/HEAD redirects itself (so the
/// Authorization header goes only to the authority it belongs to and every hop passes the
/// insecure-transport policy), applies the request timeout and the minimum transfer rate, and turns transport
/// failures into RegistryUnreachable / RegistryCertificateUntrusted / RegistryTooSlow.
/// </summary>
internal sealed class HttpTransport
{
    private const int MaxRedirects = 10;
    private readonly HttpClient _http;
    private readonly InsecureRegistryPolicy _policy;
    private readonly CertificateValidator _certificates;
    private readonly SecretRedactor _log;
    private readonly TimeSpan _timeout;

    /// <param name="options">
    /// RequestTimeout; MinTransferRate, the bytes per second a download must keep up over TransferRateWindow (0 turns
    /// the check off); TransferRateWindow, also how long a request without a body may wait for its answer.
    /// </param>
    public HttpTransport(HttpClient http, InsecureRegistryPolicy policy, CertificateValidator certificates, SecretRedactor log, RegistryClientOptions options)
    {
        _http = http;
        _policy = policy;
        _certificates = certificates;
        _log = log;
        _timeout = options.RequestTimeout;
        MinTransferRate = options.MinTransferRate;
        RateWindow = options.TransferRateWindow;
    }

    public TimeSpan Timeout => _timeout;

    public long MinTransferRate { get; }

    public TimeSpan RateWindow { get; }

    /// <summary>Whether downloads are held to a minimum rate (and bodiless requests to answering within the window).</summary>
    private bool RateGuarded => MinTransferRate > 0 && RateWindow > TimeSpan.Zero;

    /// <summary>A guard for one download's body (off when the rate is 0).</summary>
    public TransferRateGuard GuardRate() => TransferRateGuard.Start(MinTransferRate, RateWindow);

    /// <summary>RegistryTooSlow for a body that fell below the rate; not retried: it already had a whole window.</summary>
    public static RegistryException TooSlow(string registry, Uri url, string what, TransferRateGuard guard, string? kept, Exception? inner) =>
        new(
            ErrorIds.RegistryTooSlow,
            ErrorKind.OperationTimeout,
            $"Registry '{registry}' sent {guard.Describe()} while sending {what} ({SafeUrl.Format(url)}), so the transfer was stopped{kept}. " +
            "A slower link needs a lower 'minTransferRate' or a longer 'transferRateWindow' in the config file.",
            registry,
            inner)
        {
            Url = SafeUrl.Format(url),
        };

    public static bool SameAuthority(Uri a, Uri b) =>
        string.Equals(a.GetLeftPart(UriPartial.Authority), b.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);

    /// <summary>Sends <paramref name="request"/> once (its method, URL and headers; the retries are the caller's), following GET/HEAD redirects.</summary>
    /// <param name="content">The body of this attempt, made fresh for each hop; null for none.</param>
    /// <param name="authorization">Sent only to URLs on <paramref name="authorizedFor"/>'s scheme, host and port.</param>
    public async Task<RegistryResponse> SendAsync(
        RegistryRequest request,
        Func<HttpContent>? content,
        AuthenticationHeaderValue? authorization,
        Uri? authorizedFor,
        string registry,
        CancellationToken cancellationToken)
    {
        var current = request.Uri;
        var method = request.Method;
        for (var hop = 0; ; hop++)
        {
            _policy.EnsureTransportAllowed(current, hop == 0 ? "a registry request" : "following a redirect");
            var authorized = authorization is not null && authorizedFor is not null && SameAuthority(current, authorizedFor);
            var message = new HttpRequestMessage(method, current);
            request.Configure?.Invoke(message);
            if (content is not null && method != HttpMethod.Get && method != HttpMethod.Head)
            {
                message.Content = content();
            }

            if (authorized)
            {
                message.Headers.Authorization = authorization;
            }

            _log.Trace($"{method} {SafeUrl.Format(current)}{(authorized ? " (authorized)" : string.Empty)}");
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(message, registry, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                message.Dispose();
                throw;
            }

            _log.Trace($"  -> {(int)response.StatusCode} {response.ReasonPhrase}");
            if (RedirectTarget(response, method, current) is not Uri target)
            {
                return new RegistryResponse(response, current);
            }

            response.Dispose();
            message.Dispose();
            if (hop >= MaxRedirects)
            {
                throw RegistryErrors.Protocol(registry, current, registry, $"Registry '{registry}' redirected more than {MaxRedirects} times; giving up at {SafeUrl.Format(target)}.");
            }

            var dropsCredentials = authorization is not null && authorizedFor is not null && !SameAuthority(target, authorizedFor);
            _log.Trace($"  redirected to {SafeUrl.Format(target)}{(dropsCredentials ? " (another host: no Authorization sent)" : string.Empty)}");
            current = target;
        }
    }

    /// <summary>Where a GET or HEAD is redirected to; null for any other answer (which is the response).</summary>
    private static Uri? RedirectTarget(HttpResponseMessage response, HttpMethod method, Uri current)
    {
        var isRedirect = (int)response.StatusCode is 301 or 302 or 303 or 307 or 308;
        var canFollow = method == HttpMethod.Get || method == HttpMethod.Head;
        if (!isRedirect || !canFollow || response.Headers.Location is not Uri location)
        {
            return null;
        }

        return location.IsAbsoluteUri ? location : new Uri(current, location);
    }

    /// <summary>
    /// Reads a body of at most <paramref name="limit"/> bytes; null when it is larger (then no more
    /// than limit + 1 bytes were read).
    /// </summary>
    public async Task<byte[]?> ReadBoundedAsync(HttpContent content, long limit, string registry, Uri url, CancellationToken cancellationToken)
    {
        using var rate = GuardRate();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, rate.Token);
        timeout.CancelAfter(_timeout);
        try
        {
            using var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            while (true)
            {
                var toRead = (int)Math.Min(chunk.Length, limit + 1 - buffer.Length);
                var read = await stream.ReadAsync(chunk, 0, toRead, timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.ToArray();
                }

                rate.Add(read);
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                {
                    return null;
                }
            }
        }
        catch (OperationCanceledException ex) when (rate.TooSlow && !cancellationToken.IsCancellationRequested)
        {
            throw TooSlow(registry, url, "a response body", rate, null, ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw RegistryErrors.Unreachable(registry, url, $"the response body did not arrive within {_timeout.TotalSeconds:0} s.", null);
        }
        catch (IOException ex)
        {
            throw RegistryErrors.Unreachable(registry, url, "the connection failed while reading the response: " + ex.Message, ex);
        }
        catch (HttpRequestException ex)
        {
            throw RegistryErrors.Unreachable(registry, url, "the connection failed while reading the response: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// One request. One without a body (GET, HEAD) must be answered within the rate window: a registry that
    /// accepts the connection and says nothing is as stalled as one that stops sending a blob, and it is not
    /// retried either. Uploads keep the request timeout, which covers sending their body.
    /// </summary>
    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, string registry, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var answer = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, answer.Token);
        timeout.CancelAfter(_timeout);
        var waitsForAnswer = request.Content is null && RateGuarded && RateWindow < _timeout;
        if (waitsForAnswer)
        {
            answer.CancelAfter(RateWindow);
        }

        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (answer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException(
                ErrorIds.RegistryTooSlow,
                ErrorKind.OperationTimeout,
                $"Registry '{registry}' did not answer {request.Method} {SafeUrl.Format(uri)} within {RetryPolicy.Seconds(RateWindow)} s, so the request was stopped. A slower registry needs a longer 'transferRateWindow' in the config file.",
                registry,
                ex)
            {
                Url = SafeUrl.Format(uri),
            };
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw RegistryErrors.Unreachable(registry, uri, $"no response within {_timeout.TotalSeconds:0} s.", ex);
        }
        catch (HttpRequestException ex) when (ExceedsHeaderLimit(ex))
        {
            // Not worth repeating: the registry would send the same headers again.
            throw RegistryErrors.Protocol(registry, uri, registry, $"Registry '{registry}' answered {request.Method} {SafeUrl.Format(uri)} with more than {MaxResponseHeadersKiB} KiB of headers, which no registry needs; the answer was refused.");
        }
        catch (HttpRequestException ex)
        {
            if (_certificates.TryGetRejection(uri.Authority, out var reason))
            {
                throw new RegistryException(
                    ErrorIds.RegistryCertificateUntrusted,
                    ErrorKind.SecurityError,
                    $"The TLS certificate of '{uri.Authority}' was rejected: {reason}. Add its CA to the trusted certificates, or, only if you trust the network, name the registry insecure.",
                    registry,
                    ex)
                {
                    Url = SafeUrl.Format(uri),
                };
            }

            throw RegistryErrors.Unreachable(registry, uri, Describe(ex), ex);
        }
    }

    /// <summary>The handler's limit on response headers (its default, 64 KiB).</summary>
    internal const int MaxResponseHeadersKiB = 64;

    /// <summary>
    /// Response headers over the handler's limit. .NET 8+ says so in HttpRequestException.HttpRequestError
    /// (ConfigurationLimitExceeded), which netstandard2.0 cannot name, so it is read by name.
    /// </summary>
    private static bool ExceedsHeaderLimit(HttpRequestException ex) =>
        string.Equals(ex.GetType().GetProperty("HttpRequestError")?.GetValue(ex)?.ToString(), "ConfigurationLimitExceeded", StringComparison.Ordinal);

    private static string Describe(Exception ex)
    {
        var message = ex.Message;
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!string.IsNullOrEmpty(inner.Message) && message.IndexOf(inner.Message, StringComparison.Ordinal) < 0)
            {
                message += " " + inner.Message;
            }
        }

        return message;
    }
}
