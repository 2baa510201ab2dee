using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// A Docker token service for a real registry's <c>auth.token</c>: checks Basic credentials (or
/// a refresh token posted as an OAuth2 form), grants actions per <see cref="Grant"/>, and issues
/// RS256 JWTs whose x5c certificate is in the registry's rootcertbundle.
/// </summary>
public sealed class TokenServer : IDisposable
{
    private readonly RSA _key;
    private readonly X509Certificate2 _certificate;
    private readonly MiniHttpServer _http;
    private int _requests;

    public TokenServer(string service = "test-registry", string issuer = "test-issuer")
    {
        Service = service;
        Issuer = issuer;
        _key = RSA.Create(2048);
        var request = new CertificateRequest("CN=modelpack test token signer", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        _http = new MiniHttpServer(HandleAsync);
    }

    public string Service { get; }

    public string Issuer { get; }

    public string Realm => _http.BaseUrl + "/token";

    public string RootCertificatePem => _certificate.ExportCertificatePem();

    /// <summary>User name to password.</summary>
    public ConcurrentDictionary<string, string> Users { get; } = new();

    /// <summary>Refresh token (identity token) to user name.</summary>
    public ConcurrentDictionary<string, string> RefreshTokens { get; } = new();

    /// <summary>(user or null for anonymous, repository) to the actions granted; default: nothing.</summary>
    public Func<string?, string, string[]> Grant { get; set; } = (_, _) => Array.Empty<string>();

    /// <summary>expires_in in answers; null leaves it out (clients must assume 60 s).</summary>
    public int? ExpiresIn { get; set; } = 300;

    /// <summary>Answer with access_token instead of token.</summary>
    public bool UseAccessTokenField { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every request, with method, scopes asked and whether Basic credentials came along.</summary>
    public IReadOnlyList<MiniRequest> Received => _http.Requests.ToList();

    public void Dispose()
    {
        _http.Dispose();
        _certificate.Dispose();
        _key.Dispose();
    }

    private async Task HandleAsync(MiniRequest request, MiniResponse response)
    {
        Interlocked.Increment(ref _requests);
        if (request.Path != "/token")
        {
            await response.SendAsync(404);
            return;
        }

        string? user = null;
        string service;
        List<string> scopes;
        if (request.Method == "POST")
        {
            var form = new MiniRequest("POST", "/?" + Encoding.UTF8.GetString(request.Body), request.Headers, Array.Empty<byte>());
            if (form.QueryValue("grant_type") != "refresh_token" || !RefreshTokens.TryGetValue(form.QueryValue("refresh_token") ?? string.Empty, out user))
            {
                await response.SendJsonAsync(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"invalid refresh token\"}]}");
                return;
            }

            service = form.QueryValue("service") ?? string.Empty;
            scopes = (form.QueryValue("scope") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        }
        else
        {
            var authorization = request.Header("Authorization");
            if (authorization is not null)
            {
                var decoded = authorization.StartsWith("Basic ", StringComparison.Ordinal)
                    ? Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..]))
                    : string.Empty;
                var colon = decoded.IndexOf(':');
                if (colon <= 0 || !Users.TryGetValue(decoded.Substring(0, colon), out var password) || password != decoded.Substring(colon + 1))
                {
                    await response.SendJsonAsync(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}");
                    return;
                }

                user = decoded.Substring(0, colon);
            }

            service = request.QueryValue("service") ?? string.Empty;
            scopes = request.Query.Split('&').Where(p => p.StartsWith("scope=", StringComparison.Ordinal))
                .Select(p => Uri.UnescapeDataString(p.AsSpan(6))).ToList();
        }

        var access = new List<object>();
        foreach (var scope in scopes)
        {
            var parts = scope.Split(':');
            if (parts.Length < 3 || parts[0] != "repository")
            {
                continue;
            }

            var name = string.Join(":", parts.Skip(1).Take(parts.Length - 2));
            var asked = parts[^1].Split(',');
            var granted = Grant(user, name).Intersect(asked).ToArray();
            access.Add(new { type = "repository", name, actions = granted });
        }

        var jwt = Sign(user ?? string.Empty, service, access);
        var body = new Dictionary<string, object> { [UseAccessTokenField ? "access_token" : "token"] = jwt, ["issued_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ") };
        if (ExpiresIn is int expires)
        {
            body["expires_in"] = expires;
        }

        await response.SendJsonAsync(200, JsonSerializer.Serialize(body));
    }

    private string Sign(string subject, string audience, List<object> access)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new { typ = "JWT", alg = "RS256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } };
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["aud"] = audience,
            ["exp"] = now + 600,
            ["nbf"] = now - 30,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
