using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Registry;

/// <summary>
/// Sends <see cref="RegistryRequest"/>s: with the Authorization the session's challenge needs for the request's
/// scope (asking once more on a 401 with a new challenge or a stale token), retrying as <see cref="RetryPolicy"/>
/// allows, and turns failed answers into <see cref="RegistryException"/>s (the OCI error body read, bounded, and
/// redacted). A response with a retryable status is returned once retrying stops; the error made from it says so.
/// </summary>
internal sealed class RegistrySender
{
    private const int MaxErrorBody = 64 * 1024;

    private readonly HttpTransport _transport;
    private readonly RegistryAuthenticator _auth;
    private readonly RetryPolicy _retry;
    private readonly SecretRedactor _log;

    public RegistrySender(HttpTransport transport, RegistryAuthenticator auth, RetryPolicy retry, SecretRedactor log)
    {
        _transport = transport;
        _auth = auth;
        _retry = retry;
        _log = log;
    }

    /// <summary>Starts the retry bookkeeping of one operation (see <see cref="RegistryRequest.Retry"/>).</summary>
    public RetryState BeginRetries() => _retry.Begin();

    /// <summary>Bookkeeping that allows no retry: a mirror's failure goes to the next endpoint at once.</summary>
    public RetryState SingleAttempt() => new(_retry, maxRetry: 0);

    public Task<RegistryResponse> SendAsync(RegistrySession session, RegistryRequest request, CancellationToken cancellationToken) =>
        WithRetriesAsync(
            request,
            tracked => request.Authorize
                ? SendAuthorizedAsync(session, request, tracked, cancellationToken)
                : _transport.SendAsync(request, tracked, null, null, session.Address.Key, cancellationToken),
            cancellationToken);

    /// <summary>Obtains (and caches) the authorization <paramref name="scope"/> needs, without sending a request.</summary>
    public Task AuthorizeAsync(RegistrySession session, string repository, string scope, CancellationToken cancellationToken) =>
        _auth.AuthorizeAsync(session, repository, scope, renew: false, cancellationToken);

    /// <summary>The error a failed answer stands for: its status, the OCI error codes of its body, who was asking.</summary>
    public async Task<RegistryException> ErrorAsync(
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

        var answer = new FailedAnswer(response.Status, method.Method, response.Url, errors)
        {
            NotFound = notFound,
            Target = target,
            Registry = session.Address.Key,
            Credential = credential,
            Challenge = RegistryHeaders.Challenge(response),
        };
        var error = RegistryErrors.FromResponse(answer).Redacted(_log.Redact);
        if (response.Retry is RetryState retry)
        {
            error = retry.Final(error);
        }

        _log.Trace($"  {error.ErrorId}: {error.Message}");
        return error;
    }

    /// <summary>Whether a request body can be sent again: none, bytes in memory, or a seekable stream.</summary>
    private static bool CanReplay(HttpContent? content) =>
        content is null or ByteArrayContent || (content is StreamUploadContent upload && upload.CanReplay);

    /// <summary>
    /// Runs <paramref name="attempt"/> until it gets an answer that is not worth repeating, or retrying
    /// stops: then the last response is returned (with <see cref="RegistryResponse.Retry"/> set) or the
    /// last failure is thrown, saying how many attempts were made.
    /// </summary>
    /// <param name="attempt">Sends once; receives the content factory to use, which records what it made.</param>
    private async Task<RegistryResponse> WithRetriesAsync(RegistryRequest request, Func<Func<HttpContent>?, Task<RegistryResponse>> attempt, CancellationToken cancellationToken)
    {
        var retry = request.Retry ?? _retry.Begin();
        var method = request.Method;
        var content = request.Content;
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
                var repeatable = request.RetryConnection && RetryPolicy.MayRepeat(method, ex.StatusCode) && CanReplay(sent);
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

    /// <summary>
    /// One attempt: the Authorization the challenge needs for the request's scope; on a 401 with a new
    /// challenge or a stale token it asks once more.
    /// </summary>
    private async Task<RegistryResponse> SendAuthorizedAsync(RegistrySession session, RegistryRequest request, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        var baseUri = session.BaseUri!;
        var auth = await _auth.AuthorizeAsync(session, request.Repository, request.Scope, renew: false, cancellationToken).ConfigureAwait(false);
        var response = await SendOnceAsync(session, request, content, auth.Header, cancellationToken).ConfigureAwait(false);
        if (response.Status != HttpStatusCode.Unauthorized || !HttpTransport.SameAuthority(response.Url, baseUri))
        {
            return response;
        }

        var challenge = RegistryHeaders.Challenge(response);
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

        var renewed = await _auth.AuthorizeAsync(session, request.Repository, request.Scope, renew: true, cancellationToken).ConfigureAwait(false);
        if (renewed.Header is null || (auth.Header is not null && string.Equals(renewed.Header.ToString(), auth.Header.ToString(), StringComparison.Ordinal)))
        {
            return response;
        }

        response.Dispose();
        _log.Trace("  retrying with new authorization.");
        return await SendOnceAsync(session, request, content, renewed.Header, cancellationToken).ConfigureAwait(false);
    }

    private Task<RegistryResponse> SendOnceAsync(RegistrySession session, RegistryRequest request, Func<HttpContent>? content, System.Net.Http.Headers.AuthenticationHeaderValue? authorization, CancellationToken cancellationToken) =>
        _transport.SendAsync(request, content, authorization, session.BaseUri, session.Address.Key, cancellationToken);
}
