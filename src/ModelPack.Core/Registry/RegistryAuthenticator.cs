using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>
/// Answers a registry's challenge: Basic with the resolved credential, or Bearer with a token from
/// the challenge's realm (GET with Basic credentials, POST with a refresh token for identity
/// tokens, anonymous otherwise). Tokens are cached per registry and scope until expires_in
/// (default 60 s) runs out.
/// </summary>
/// <remarks>
/// A scope may name several resources separated by spaces (<c>repository:a:pull,push repository:b:pull</c>,
/// what a push that mounts from another repository needs); each becomes its own <c>scope</c> parameter of
/// the token request. A cached token serves a request when the scope it was asked for covers the request's
/// (every resource, with at least its actions), so the one token a push obtains for
/// <c>pull,push</c> also serves its pulls. The reverse never happens: a token asked for <c>pull</c> is never
/// sent with a push, which gets a token of its own (with credentials, when there are any).
/// </remarks>
internal sealed class RegistryAuthenticator : IDisposable
{
    private const int MaxTokenResponse = 1024 * 1024;
    private const string ClientId = "modelpack-powershell";
    private readonly HttpTransport _transport;
    private readonly CredentialResolver _credentials;
    private readonly SecretRedactor _redactor;
    private readonly Func<DateTimeOffset> _clock;
    private readonly ConcurrentDictionary<string, BearerToken> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _tokenLock = new(1, 1);

    /// <summary>Number of token requests sent (diagnostics and tests).</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public RegistryAuthenticator(HttpTransport transport, CredentialResolver credentials, SecretRedactor redactor, Func<DateTimeOffset> clock)
    {
        _transport = transport;
        _credentials = credentials;
        _redactor = redactor;
        _clock = clock;
    }

    private int _tokenRequests;

    /// <summary>An Authorization value for the session's challenge and this scope.</summary>
    public readonly struct Authorization
    {
        public Authorization(AuthenticationHeaderValue? header, bool fresh)
        {
            Header = header;
            Fresh = fresh;
        }

        public AuthenticationHeaderValue? Header { get; }

        /// <summary>True when obtained for this request (so a 401 will not be cured by asking again).</summary>
        public bool Fresh { get; }
    }

    public Task<RegistryCredential?> CredentialAsync(RegistrySession session, string? repository, CancellationToken cancellationToken) =>
        _credentials.ResolveAsync(session.Address, repository, cancellationToken);

    public async Task<Authorization> AuthorizeAsync(RegistrySession session, string? repository, string? scope, bool renew, CancellationToken cancellationToken)
    {
        var challenge = session.Challenge;
        if (challenge is null)
        {
            return default;
        }

        var credential = await CredentialAsync(session, repository, cancellationToken).ConfigureAwait(false);
        if (challenge.IsBasic)
        {
            return Basic(credential) is AuthenticationHeaderValue basic ? new Authorization(basic, fresh: true) : default;
        }

        if (!challenge.IsBearer)
        {
            return default;
        }

        var effectiveScope = scope ?? challenge.Scope;
        var key = session.Address.Key + "|" + (effectiveScope ?? string.Empty);
        if (!renew && TryCached(session.Address.Key, key, effectiveScope, out var cached))
        {
            return new Authorization(new AuthenticationHeaderValue("Bearer", cached), fresh: false);
        }

        await _tokenLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have fetched it while this one waited.
            if (!renew && TryCached(session.Address.Key, key, effectiveScope, out cached))
            {
                return new Authorization(new AuthenticationHeaderValue("Bearer", cached), fresh: false);
            }

            var token = await FetchTokenAsync(session, challenge, credential, effectiveScope, cancellationToken).ConfigureAwait(false);
            _tokens[key] = token;
            return new Authorization(new AuthenticationHeaderValue("Bearer", token.Value), fresh: true);
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    public void Dispose() => _tokenLock.Dispose();

    /// <summary>A live token for exactly this scope, else one whose scope covers it.</summary>
    private bool TryCached(string registry, string key, string? scope, out string token)
    {
        var now = _clock();
        if (_tokens.TryGetValue(key, out var entry) && now < entry.RenewAfter)
        {
            token = entry.Value;
            return true;
        }

        if (!string.IsNullOrEmpty(scope))
        {
            var prefix = registry + "|";
            foreach (var cached in _tokens)
            {
                if (cached.Key.StartsWith(prefix, StringComparison.Ordinal) && now < cached.Value.RenewAfter &&
                    TokenScope.Covers(cached.Key.Substring(prefix.Length), scope!))
                {
                    token = cached.Value.Value;
                    return true;
                }
            }
        }

        token = string.Empty;
        return false;
    }

    private async Task<BearerToken> FetchTokenAsync(RegistrySession session, AuthChallenge challenge, RegistryCredential? credential, string? scope, CancellationToken cancellationToken)
    {
        var registry = session.Address.Key;
        if (!Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm) || (realm.Scheme != "https" && realm.Scheme != "http"))
        {
            throw RegistryErrors.Protocol(registry, null, registry, $"Registry '{registry}' named an invalid token realm {DisplayText.Quote(_redactor.Redact(challenge.Realm ?? string.Empty))}.");
        }

        var who = credential is null ? "anonymously" : "as " + credential;
        _redactor.Trace($"Requesting a token from {SafeUrl.Format(realm)} (service '{challenge.Service}', scope '{scope}') {who}.");
        Interlocked.Increment(ref _tokenRequests);
        using var response = credential?.IdentityToken is string refreshToken
            ? await _transport.SendAsync(new RegistryRequest(HttpMethod.Post, realm), () => RefreshForm(refreshToken, challenge, scope), null, null, registry, cancellationToken).ConfigureAwait(false)
            : await _transport.SendAsync(new RegistryRequest(HttpMethod.Get, TokenUri(realm, challenge, scope)), null, Basic(credential), realm, registry, cancellationToken).ConfigureAwait(false);
        var body = await _transport.ReadBoundedAsync(response.Content, MaxTokenResponse, registry, response.Url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw TokenRefused(response, body, registry, credential, scope).Redacted(_redactor.Redact);
        }

        if (body is null)
        {
            throw RegistryErrors.Protocol(registry, response.Url, registry, $"The token service of '{registry}' sent an oversized answer.");
        }

        return ParseToken(body, registry, response.Url);
    }

    /// <summary>The OAuth2 refresh-token form of an identity token (POST to the realm).</summary>
    private static FormUrlEncodedContent RefreshForm(string refreshToken, AuthChallenge challenge, string? scope)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("client_id", ClientId),
        };
        if (challenge.Service is string service)
        {
            form.Add(new KeyValuePair<string, string>("service", service));
        }

        if (!string.IsNullOrEmpty(scope))
        {
            form.Add(new KeyValuePair<string, string>("scope", scope!));
        }

        return new FormUrlEncodedContent(form);
    }

    /// <summary>The realm with the challenge's service and one <c>scope</c> parameter per resource (GET).</summary>
    private static Uri TokenUri(Uri realm, AuthChallenge challenge, string? scope)
    {
        var query = new List<string>();
        if (challenge.Service is string service)
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }

        foreach (var single in TokenScope.Split(scope))
        {
            query.Add("scope=" + Uri.EscapeDataString(single));
        }

        var builder = new UriBuilder(realm);
        var existing = builder.Query.TrimStart('?');
        builder.Query = string.Join("&", existing.Length > 0 ? new[] { existing }.Concat(query) : query);
        return builder.Uri;
    }

    /// <summary>Basic credentials for the token request (the encoded value is redacted everywhere); none without a password.</summary>
    private AuthenticationHeaderValue? Basic(RegistryCredential? credential)
    {
        if (credential?.Password is not string password)
        {
            return null;
        }

        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + password));
        _redactor.Add(encoded);
        return new AuthenticationHeaderValue("Basic", encoded);
    }

    private BearerToken ParseToken(byte[] body, string registry, Uri url)
    {
        string? token = null;
        long? expiresIn = null;
        try
        {
            using var doc = JsonText.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                token = Text(root, "token") ?? Text(root, "access_token");
                if (root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var seconds) && seconds > 0)
                {
                    expiresIn = seconds;
                }
            }
        }
        catch (JsonException)
        {
            // Reported below; the body may hold a token, so it is not quoted.
        }

        if (string.IsNullOrEmpty(token))
        {
            throw new RegistryException(
                ErrorIds.RegistryAuthenticationFailed,
                ErrorKind.AuthenticationError,
                $"The token service of registry '{registry}' at {SafeUrl.Format(url)} answered without a token.",
                registry)
            {
                Url = SafeUrl.Format(url),
            };
        }

        _redactor.Add(token);
        var lifetime = TimeSpan.FromSeconds(expiresIn ?? 60);
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, lifetime.Ticks / 10));
        var renewAfter = _clock() + lifetime - margin;
        _redactor.Trace($"  token received, valid for {lifetime.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        return new BearerToken(token!, renewAfter);
    }

    private RegistryException TokenRefused(RegistryResponse response, byte[]? body, string registry, RegistryCredential? credential, string? scope)
    {
        var errors = OciErrorBody.Parse(body).Redacted(_redactor.Redact);
        var detail = errors.Messages.Count > 0 ? " (" + string.Join("; ", errors.Messages) + ")" : string.Empty;
        var status = response.Status;
        var url = SafeUrl.Format(response.Url);
        var who = credential is null ? "an anonymous token" : "a token for " + credential + " from " + credential.Source;
        return status switch
        {
            HttpStatusCode.Unauthorized => new RegistryException(
                ErrorIds.RegistryAuthenticationFailed,
                ErrorKind.AuthenticationError,
                $"The token service of registry '{registry}' at {url} refused {who}{detail} [HTTP 401]. " +
                (credential is null ? $"Log in with 'podman login {registry}' or pass a credential." : "Check the user name and password, or log in again."),
                registry) { StatusCode = status, ErrorCodes = errors.Codes, Url = url },
            HttpStatusCode.Forbidden => new RegistryException(
                ErrorIds.RegistryPermissionDenied,
                ErrorKind.PermissionDenied,
                $"The token service of registry '{registry}' at {url} denied {who} for scope '{scope}'{detail} [HTTP 403].",
                registry) { StatusCode = status, ErrorCodes = errors.Codes, Url = url },
            _ => new RegistryException(
                ErrorIds.RegistryError,
                (int)status >= 500 ? ErrorKind.ResourceUnavailable : ErrorKind.InvalidOperation,
                $"The token service of registry '{registry}' at {url} failed{detail} [HTTP {(int)status}].",
                registry) { StatusCode = status, ErrorCodes = errors.Codes, Url = url },
        };
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
