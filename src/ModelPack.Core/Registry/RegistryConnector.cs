using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Registry;

/// <summary>
/// The client's sessions, one per registry: the first request to a registry asks <c>/v2/</c> which scheme works
/// and how it wants to be authenticated, once, whatever number of requests wait for it.
/// </summary>
internal sealed class RegistryConnector : IDisposable
{
    private readonly ConcurrentDictionary<string, RegistrySession> _sessions = new(StringComparer.Ordinal);
    private readonly RegistrySender _sender;
    private readonly InsecureRegistryPolicy _policy;
    private readonly SecretRedactor _log;

    public RegistryConnector(RegistrySender sender, InsecureRegistryPolicy policy, SecretRedactor log)
    {
        _sender = sender;
        _policy = policy;
        _log = log;
    }

    /// <summary>The session of <paramref name="address"/>, connected on first use.</summary>
    /// <param name="mirror">A registries.conf mirror: its first contact is not retried (the next endpoint is tried instead).</param>
    public async Task<RegistrySession> ConnectAsync(RegistryAddress address, CancellationToken cancellationToken, bool mirror = false)
    {
        var session = _sessions.GetOrAdd(address.Key + "|" + address.ExplicitScheme, _ => new RegistrySession(address));
        if (session.BaseUri is not null)
        {
            return session;
        }

        await session.ConnectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (session.BaseUri is null)
            {
                await ProbeAsync(session, mirror, cancellationToken).ConfigureAwait(false);
            }

            return session;
        }
        finally
        {
            session.ConnectLock.Release();
        }
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }
    }

    /// <summary>
    /// Like podman and skopeo: an insecure registry is tried over https (its certificate is then accepted
    /// unverified, and logged) before plain http, so registries that do serve TLS keep it. Both are asked at
    /// once, though: the http answer is only used when https fails, and a loopback registry (nearly always
    /// plain http) no longer waits for a TLS failure first.
    /// </summary>
    private async Task ProbeAsync(RegistrySession session, bool mirror, CancellationToken cancellationToken)
    {
        var address = session.Address;
        var insecureReason = _policy.Reason(address);
        if (address.ExplicitScheme is string || insecureReason is null)
        {
            var only = address.BaseUri(address.ExplicitScheme ?? "https");
            Connected(session, only, await PingAsync(session, only, retryConnection: !mirror, mirror, cancellationToken).ConfigureAwait(false));
            return;
        }

        using var fallback = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var httpsUri = address.BaseUri("https");
        var httpUri = address.BaseUri("http");
        var https = PingAsync(session, httpsUri, retryConnection: false, mirror, cancellationToken);
        var http = PingAsync(session, httpUri, retryConnection: !mirror, mirror, fallback.Token);
        RegistryException httpsFailure;
        var useHttp = false;
        try
        {
            Connected(session, httpsUri, await https.ConfigureAwait(false));
            return;
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
        }
        catch (RegistryException ex) when (ex.ErrorId == ErrorIds.RegistryUnreachable)
        {
            throw new RegistryException(
                ErrorIds.RegistryUnreachable,
                ErrorKind.ConnectionError,
                $"Registry '{address.Key}' could not be reached over https ({httpsFailure.Message}) nor http ({ex.Message}).",
                address.Key,
                ex)
            {
                Url = ex.Url,
            };
        }
    }

    /// <summary>Asks <c>/v2/</c> at <paramref name="baseUri"/> whether the API is there and how it wants to be authenticated.</summary>
    /// <returns>The challenge of a 401 answer; null when the registry needs no authentication.</returns>
    private async Task<AuthChallenge?> PingAsync(RegistrySession session, Uri baseUri, bool retryConnection, bool mirror, CancellationToken cancellationToken)
    {
        var address = session.Address;
        var request = new RegistryRequest(HttpMethod.Get, new Uri(baseUri, "v2/"))
        {
            Authorize = false,
            RetryConnection = retryConnection,
            Retry = mirror ? _sender.SingleAttempt() : null,
        };
        using var response = await _sender.SendAsync(session, request, cancellationToken).ConfigureAwait(false);
        AuthChallenge? challenge = null;
        if (response.Status == HttpStatusCode.Unauthorized)
        {
            challenge = RegistryHeaders.Challenge(response);
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
            throw await _sender.ErrorAsync(session, null, response, NotFoundMeaning.Other, address.Key, cancellationToken).ConfigureAwait(false);
        }

        return challenge;
    }

    private void Connected(RegistrySession session, Uri baseUri, AuthChallenge? challenge)
    {
        session.Challenge = challenge;
        session.BaseUri = baseUri;
        _log.Log($"Registry '{session.Address.Key}' answers at {baseUri}; authentication: {(challenge is null ? "none" : challenge.ToString())}.");
    }
}
