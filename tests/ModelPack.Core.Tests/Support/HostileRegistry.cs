using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Support;

/// <summary>How <see cref="HostileRegistry"/> serves one manifest, blob or endpoint.</summary>
public sealed class HostileAnswer
{
    /// <summary>The Content-Type sent (for manifests, whatever the test wants the registry to claim).</summary>
    public string? ContentType { get; set; }

    /// <summary>Send the body this many bytes at a time, <see cref="DripPause"/> apart.</summary>
    public int? DripBytes { get; set; }

    public TimeSpan DripPause { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Accept the request and never send a byte back.</summary>
    public bool NeverAnswer { get; set; }

    /// <summary>Headers added to the answer (a huge one, an echoed secret).</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = new();
}

/// <summary>
/// A registry that is hostile on purpose, for what the real docker-registry cannot be made to do: it serves the
/// manifests, configs and blobs a test gives it, byte for byte, under whatever Content-Type the test names, and
/// can drip an answer, never answer, send huge headers or echo the credentials it receives back in its errors.
/// It speaks just enough of the distribution API for a pull (<c>/v2/</c>, manifests and blobs by GET and HEAD,
/// optional Basic auth) and records every request.
/// </summary>
public sealed class HostileRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, (byte[] Bytes, HostileAnswer Answer)> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (byte[] Bytes, HostileAnswer Answer)> _blobs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly MiniHttpServer _server;

    /// <param name="user">With <paramref name="password"/>: every request must carry these Basic credentials.</param>
    /// <param name="password">The password the registry checks, and echoes when <see cref="EchoPassword"/> is set.</param>
    public HostileRegistry(string? user = null, string? password = null)
    {
        User = user;
        Password = password;
        _server = new MiniHttpServer(HandleAsync);
    }

    public string HostPort => _server.HostPort;

    public string? User { get; }

    public string? Password { get; }

    /// <summary>How <c>/v2/</c> is answered (never, or dripped).</summary>
    public HostileAnswer Ping { get; } = new();

    /// <summary>
    /// Answer every authenticated manifest request with 403, quoting the password it received in another case,
    /// base64-encoded and URL-encoded, in the OCI error body and in a header.
    /// </summary>
    public bool EchoPassword { get; set; }

    public IReadOnlyList<MiniRequest> Requests => _server.Requests.ToList();

    public IEnumerable<MiniRequest> BlobGets => Requests.Where(r => r.Method == "GET" && r.Path.Contains("/blobs/", StringComparison.Ordinal));

    public string Reference(string repository, string tag) => $"{HostPort}/{repository}:{tag}";

    /// <summary>Serves <paramref name="bytes"/> as the manifest <paramref name="repository"/>:<paramref name="tag"/> (and by its digest); returns the digest.</summary>
    public string AddManifest(string repository, string tag, byte[] bytes, string contentType = MediaTypes.OciManifest, Action<HostileAnswer>? answer = null)
    {
        var served = new HostileAnswer { ContentType = contentType };
        answer?.Invoke(served);
        var digest = Digest.Sha256(bytes).ToString();
        _manifests[repository + ":" + tag] = (bytes, served);
        _manifests[repository + "@" + digest] = (bytes, served);
        return digest;
    }

    /// <summary>Serves <paramref name="bytes"/> as a blob of every repository; returns its digest.</summary>
    public string AddBlob(byte[] bytes, Action<HostileAnswer>? answer = null)
    {
        var served = new HostileAnswer { ContentType = "application/octet-stream" };
        answer?.Invoke(served);
        var digest = Digest.Sha256(bytes).ToString();
        _blobs[digest] = (bytes, served);
        return digest;
    }

    /// <summary>A whole artifact: its blobs and its manifest under the tag.</summary>
    public string Add(string repository, string tag, TestArtifact artifact, string contentType = MediaTypes.OciManifest)
    {
        foreach (var (_, bytes) in artifact.Blobs)
        {
            AddBlob(bytes);
        }

        return AddManifest(repository, tag, artifact.ManifestBytes, contentType);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _server.Dispose();
        _stop.Dispose();
    }

    private async Task HandleAsync(MiniRequest request, MiniResponse response)
    {
        if (User is not null && !Authorized(request))
        {
            await response.SendJsonAsync(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}", new[] { new KeyValuePair<string, string>("WWW-Authenticate", "Basic realm=\"hostile\"") });
            return;
        }

        var path = request.Path;
        if (path is "/v2/" or "/v2")
        {
            await SendAsync(response, Ping, Encoding.UTF8.GetBytes("{}"), "application/json");
            return;
        }

        var manifests = path.IndexOf("/manifests/", StringComparison.Ordinal);
        if (path.StartsWith("/v2/", StringComparison.Ordinal) && manifests > 0)
        {
            if (EchoPassword)
            {
                await EchoAsync(response);
                return;
            }

            var repository = path.Substring(4, manifests - 4);
            var reference = path.Substring(manifests + "/manifests/".Length);
            var key = repository + (reference.Contains(':', StringComparison.Ordinal) ? "@" : ":") + reference;
            if (_manifests.TryGetValue(key, out var manifest))
            {
                var headers = new List<KeyValuePair<string, string>> { new("Docker-Content-Digest", Digest.Sha256(manifest.Bytes).ToString()) };
                await SendAsync(response, manifest.Answer, manifest.Bytes, manifest.Answer.ContentType, headers);
                return;
            }

            await response.SendJsonAsync(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}");
            return;
        }

        var blobs = path.IndexOf("/blobs/", StringComparison.Ordinal);
        if (path.StartsWith("/v2/", StringComparison.Ordinal) && blobs > 0 && _blobs.TryGetValue(path.Substring(blobs + "/blobs/".Length), out var blob))
        {
            await SendAsync(response, blob.Answer, blob.Bytes, blob.Answer.ContentType);
            return;
        }

        await response.SendJsonAsync(404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"not here\"}]}");
    }

    private bool Authorized(MiniRequest request)
    {
        var header = request.Header("Authorization");
        if (header is null || !header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }

        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Substring(6)));
        return pair == User + ":" + Password;
    }

    /// <summary>What a careless registry does: quotes the credentials it was sent in its error, in several spellings.</summary>
    private Task EchoAsync(MiniResponse response)
    {
        var password = Password!;
        var echoes = $"password {password.ToUpperInvariant()} (base64 {Convert.ToBase64String(Encoding.UTF8.GetBytes(password))}, url {WebUtility.UrlEncode(password)}, as sent: {Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + password))})";
        var body = "{\"errors\":[{\"code\":\"DENIED-" + password.ToLowerInvariant() + "\",\"message\":\"user " + User + " with " + echoes + " may not pull this\"}]}";
        return response.SendJsonAsync(403, body, new[] { new KeyValuePair<string, string>("X-Denied-For", password.ToUpperInvariant()) });
    }

    private async Task SendAsync(MiniResponse response, HostileAnswer answer, byte[] bytes, string? contentType, IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        if (answer.NeverAnswer)
        {
            await Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        var headers = new List<KeyValuePair<string, string>>(answer.Headers);
        if (contentType is not null)
        {
            headers.Add(new("Content-Type", contentType));
        }

        headers.AddRange(extra ?? Enumerable.Empty<KeyValuePair<string, string>>());
        var body = await response.StartAsync(200, headers, bytes.LongLength);
        if (answer.DripBytes is not int drip)
        {
            await body.WriteAsync(bytes, _stop.Token);
            return;
        }

        for (var sent = 0; sent < bytes.Length && !_stop.IsCancellationRequested; sent += drip)
        {
            await body.WriteAsync(bytes.AsMemory(sent, Math.Min(drip, bytes.Length - sent)), _stop.Token);
            await body.FlushAsync(_stop.Token);
            await Task.Delay(answer.DripPause, _stop.Token);
        }
    }
}
