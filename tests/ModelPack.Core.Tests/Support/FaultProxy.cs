using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Tests.Support;

/// <summary>What <see cref="FaultProxy"/> does to one request.</summary>
public sealed class Fault
{
    private Fault()
    {
    }

    public static Fault None { get; } = new();

    /// <summary>Answer with this status (and headers) without asking the registry.</summary>
    public int? Status { get; private init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; private init; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>Forward, send this many body bytes after correct headers, then (once the client had time to read them) reset the connection (RST).</summary>
    public long? ResetAfter { get; private init; }

    /// <summary>Forward, send this many body bytes after correct headers, then close the connection normally (a truncated body).</summary>
    public long? CloseAfter { get; private init; }

    /// <summary>Flip one bit of the body byte at this offset (same length, wrong content).</summary>
    public long? CorruptAt { get; private init; }

    /// <summary>Forward without the request's Range header, as a registry that ignores ranges answers.</summary>
    public bool IgnoreRange { get; private init; }

    /// <summary>Send the body in pieces of this size with <see cref="DripPause"/> between them.</summary>
    public int? DripBytes { get; private init; }

    public TimeSpan DripPause { get; private init; }

    /// <summary>Reset the connection before any answer.</summary>
    public bool DropBeforeHeaders { get; private init; }

    public static Fault Drop() => new() { DropBeforeHeaders = true };

    public static Fault Answer(int status, params (string Name, string Value)[] headers) =>
        new() { Status = status, Headers = headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList() };

    public static Fault Reset(long afterBytes) => new() { ResetAfter = afterBytes };

    public static Fault Truncate(long afterBytes) => new() { CloseAfter = afterBytes };

    public static Fault Corrupt(long offset) => new() { CorruptAt = offset };

    public static Fault WithoutRange() => new() { IgnoreRange = true };

    public static Fault Drip(int bytes, TimeSpan pause) => new() { DripBytes = bytes, DripPause = pause };
}

/// <summary>A request as the proxy saw it, and what it did with it.</summary>
public sealed class ProxiedRequest
{
    public ProxiedRequest(string method, string path, string? range, int nth)
    {
        Method = method;
        Path = path;
        Range = range;
        Nth = nth;
    }

    public string Method { get; }

    public string Path { get; }

    public string? Range { get; }

    /// <summary>1 for the first request with this method and path, 2 for the second...</summary>
    public int Nth { get; }

    public int Status { get; set; }

    /// <summary>Body bytes sent to the client.</summary>
    public long BytesSent { get; set; }

    public bool IsBlobGet(string? digest = null) =>
        Method == "GET" && Path.Contains("/blobs/", StringComparison.Ordinal) && (digest is null || Path.EndsWith("/blobs/" + digest, StringComparison.Ordinal));

    public override string ToString() => $"{Method} {Path} range={Range ?? "-"} -> {Status}, {BytesSent} bytes";
}

/// <summary>
/// A fault-injecting HTTP proxy in front of a real registry: forwards every request and streams the
/// answer back (never buffering a blob), unless <c>rule</c> says to answer with a status, cut the
/// body with a reset or a close, corrupt a byte, drip it slowly or drop the Range header. An optional
/// rate limit slows blob bodies so tests can act mid-transfer. Records every request.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private const int Chunk = 64 * 1024;
    private readonly string _upstream;
    private readonly Func<ProxiedRequest, Fault> _rule;
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly MiniHttpServer _server;
    private int _concurrentBlobGets;
    private int _maxConcurrentBlobGets;

    public FaultProxy(string upstreamHostPort, Func<ProxiedRequest, Fault>? rule = null)
    {
        _upstream = "http://" + upstreamHostPort;
        _rule = rule ?? (_ => Fault.None);
        _server = new MiniHttpServer(HandleAsync);
    }

    public string HostPort => _server.HostPort;

    /// <summary>Blob bodies are sent at most this fast (bytes per second); 0 = unlimited.</summary>
    public long BlobBytesPerSecond { get; set; }

    public ConcurrentQueue<ProxiedRequest> Requests { get; } = new();

    /// <summary>The most blob GETs that were being answered at the same time.</summary>
    public int MaxConcurrentBlobGets => Volatile.Read(ref _maxConcurrentBlobGets);

    /// <summary>Blob GETs being answered now.</summary>
    public int ConcurrentBlobGets => Volatile.Read(ref _concurrentBlobGets);

    /// <summary>Exceptions the proxy's handlers threw (other than the client going away).</summary>
    public IEnumerable<Exception> Failures => _server.Failures;

    public IEnumerable<ProxiedRequest> BlobGets(string? digest = null) => Requests.Where(r => r.IsBlobGet(digest));

    /// <summary>Body bytes of blobs sent to clients, over all requests.</summary>
    public long BlobBytesSent(string? digest = null) => BlobGets(digest).Sum(r => r.BytesSent);

    public void Dispose()
    {
        _stop.Cancel();
        _server.Dispose();
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task HandleAsync(MiniRequest request, MiniResponse response)
    {
        var key = request.Method + " " + request.Path;
        var nth = _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
        var record = new ProxiedRequest(request.Method, request.Path, request.Header("Range"), nth);
        Requests.Enqueue(record);
        if (!record.IsBlobGet())
        {
            await ForwardAsync(request, response, record);
            return;
        }

        var now = Interlocked.Increment(ref _concurrentBlobGets);
        for (var max = _maxConcurrentBlobGets; now > max; max = _maxConcurrentBlobGets)
        {
            Interlocked.CompareExchange(ref _maxConcurrentBlobGets, now, max);
        }

        var counted = 1;
        void Ended()
        {
            if (Interlocked.Exchange(ref counted, 0) == 1)
            {
                Interlocked.Decrement(ref _concurrentBlobGets);
            }
        }

        try
        {
            await ForwardAsync(request, response, record, Ended);
        }
        finally
        {
            Ended();
        }
    }

    /// <param name="lastChunk">Called before the body's last bytes are sent (the client cannot have them earlier), so a client's next request is not counted as overlapping.</param>
    private async Task ForwardAsync(MiniRequest request, MiniResponse response, ProxiedRequest record, Action? lastChunk = null)
    {
        var fault = _rule(record);
        if (fault.DropBeforeHeaders)
        {
            response.Abort();
            return;
        }

        if (fault.Status is int status)
        {
            record.Status = status;
            await response.SendAsync(status, null, fault.Headers);
            return;
        }

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), _upstream + request.Target);
        if (request.Body.Length > 0 || request.Method is "PUT" or "POST" or "PATCH")
        {
            message.Content = new ByteArrayContent(request.Body);
        }

        foreach (var h in request.Headers)
        {
            var skip = h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase) ||
                h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || (fault.IgnoreRange && h.Key.Equals("Range", StringComparison.OrdinalIgnoreCase));
            if (skip)
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(h.Key, h.Value) && message.Content is not null)
            {
                message.Content.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }
        }

        using var answer = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
        record.Status = (int)answer.StatusCode;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var h in answer.Headers.Concat(answer.Content.Headers))
        {
            if (h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase) ||
                h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Like a reverse proxy's redirect rewriting: upload locations name the proxy, not the registry behind it.
            headers.AddRange(h.Value.Select(v => new KeyValuePair<string, string>(
                h.Key, h.Key.Equals("Location", StringComparison.OrdinalIgnoreCase) ? v.Replace(_upstream, "http://" + HostPort, StringComparison.Ordinal) : v)));
        }

        var body = await response.StartAsync((int)answer.StatusCode, headers, answer.Content.Headers.ContentLength);
        if (request.Method == "HEAD")
        {
            return;
        }

        await using var upstream = await answer.Content.ReadAsStreamAsync(_stop.Token);
        var buffer = new byte[Chunk];
        var throttle = record.IsBlobGet() ? BlobBytesPerSecond : 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long sent = 0;
        var cut = fault.ResetAfter ?? fault.CloseAfter;
        while (true)
        {
            var want = buffer.Length;
            if (fault.DripBytes is int drip)
            {
                want = drip;
            }

            if (cut is long limit)
            {
                want = (int)Math.Min(want, limit - sent);
                if (want <= 0)
                {
                    break;
                }
            }

            // Whole pieces, whatever sizes the upstream connection delivers in: cuts and drips land exactly.
            var read = await upstream.ReadAtLeastAsync(buffer.AsMemory(0, want), want, throwOnEndOfStream: false, _stop.Token);
            if (read == 0)
            {
                break;
            }

            if (fault.CorruptAt is long at && at >= sent && at < sent + read)
            {
                buffer[at - sent] ^= 0x01;
            }

            if (sent + read == answer.Content.Headers.ContentLength)
            {
                lastChunk?.Invoke();
            }

            await body.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            await body.FlushAsync(_stop.Token);
            sent += read;
            record.BytesSent = sent;
            if (fault.DripBytes is not null)
            {
                await Task.Delay(fault.DripPause, _stop.Token);
            }

            if (throttle > 0)
            {
                var due = TimeSpan.FromSeconds((double)sent / throttle) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, _stop.Token);
                }
            }
        }

        if (fault.ResetAfter is not null)
        {
            // Let the client take in what was sent first: a reset discards data still in its socket
            // buffer, and the point is a connection that died after delivering these bytes.
            await Task.Delay(200, _stop.Token);
            response.Abort();
        }
    }
}
