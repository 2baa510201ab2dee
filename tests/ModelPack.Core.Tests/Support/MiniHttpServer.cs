using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Tests.Support;

/// <summary>A request as <see cref="MiniHttpServer"/> received it.</summary>
public sealed class MiniRequest
{
    public MiniRequest(string method, string target, Dictionary<string, string> headers, byte[] body)
    {
        Method = method;
        Target = target;
        Headers = headers;
        Body = body;
    }

    public string Method { get; }

    /// <summary>Path and query, as sent.</summary>
    public string Target { get; }

    public string Path => Target.Split('?')[0];

    public string Query => Target.Contains('?') ? Target.Substring(Target.IndexOf('?') + 1) : string.Empty;

    public Dictionary<string, string> Headers { get; }

    public byte[] Body { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public string? QueryValue(string name)
    {
        foreach (var pair in Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(eq >= 0 ? pair.Substring(0, eq) : pair);
            if (key == name)
            {
                return eq >= 0 ? Uri.UnescapeDataString(pair.Substring(eq + 1).Replace('+', ' ')) : string.Empty;
            }
        }

        return null;
    }
}

/// <summary>Writes one HTTP/1.1 response; the connection closes after it.</summary>
public sealed class MiniResponse
{
    private readonly Stream _stream;
    private readonly bool _head;
    private readonly Action? _abort;
    private bool _started;

    internal MiniResponse(Stream stream, bool head, Action? abort = null)
    {
        _stream = stream;
        _head = head;
        _abort = abort;
    }

    public bool Started => _started;

    /// <summary>Drops the connection with a TCP reset (no orderly close): what a crashed peer or a middlebox does.</summary>
    public void Abort()
    {
        _started = true;
        _abort?.Invoke();
    }

    /// <summary>Sends status and headers; returns the body stream (length-delimited when contentLength is set, else closed-delimited).</summary>
    public async Task<Stream> StartAsync(int status, IEnumerable<KeyValuePair<string, string>>? headers = null, long? contentLength = null)
    {
        _started = true;
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {Reason(status)}\r\n");
        foreach (var h in headers ?? Enumerable.Empty<KeyValuePair<string, string>>())
        {
            head.Append(CultureInfo.InvariantCulture, $"{h.Key}: {h.Value}\r\n");
        }

        if (contentLength is long length)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        var bytes = Encoding.ASCII.GetBytes(head.ToString());
        await _stream.WriteAsync(bytes);
        return _head ? Stream.Null : _stream;
    }

    public async Task SendAsync(int status, byte[]? body = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var stream = await StartAsync(status, headers, body?.LongLength ?? 0);
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }
    }

    public Task SendJsonAsync(int status, string json, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        SendAsync(status, Encoding.UTF8.GetBytes(json), (headers ?? Enumerable.Empty<KeyValuePair<string, string>>()).Append(new("Content-Type", "application/json")));

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        206 => "Partial Content",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (random port) for the parts of the tests a real
/// registry cannot play: a front proxy that rewrites answers, a storage host for redirects, a
/// token service. One request per connection; every request is recorded.
/// </summary>
public sealed class MiniHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<MiniRequest, MiniResponse, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MiniHttpServer(Func<MiniRequest, MiniResponse, Task> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string HostPort => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public string BaseUrl => "http://" + HostPort;

    public ConcurrentQueue<MiniRequest> Requests { get; } = new();

    /// <summary>Exceptions thrown by handlers (other than the client going away).</summary>
    public ConcurrentQueue<Exception> Failures { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(2000);
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Forwards a request to <paramref name="upstreamBase"/> and relays the answer, optionally changed.</summary>
    public static async Task ForwardAsync(
        HttpClient upstream,
        string upstreamBase,
        MiniRequest request,
        MiniResponse response,
        Func<byte[], byte[]>? rewriteBody = null,
        Action<List<KeyValuePair<string, string>>>? rewriteHeaders = null)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), upstreamBase + request.Target);
        if (request.Body.Length > 0 || request.Method is "PUT" or "POST" or "PATCH")
        {
            message.Content = new ByteArrayContent(request.Body);
        }

        foreach (var h in request.Headers)
        {
            if (h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase) ||
                h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(h.Key, h.Value) && message.Content is not null)
            {
                message.Content.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }
        }

        using var answer = await upstream.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var h in answer.Headers.Concat(answer.Content.Headers))
        {
            if (h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase) ||
                h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var v in h.Value)
            {
                headers.Add(new(h.Key, v));
            }
        }

        rewriteHeaders?.Invoke(headers);
        if (request.Method == "HEAD")
        {
            await response.StartAsync((int)answer.StatusCode, headers, answer.Content.Headers.ContentLength);
            return;
        }

        var body = await answer.Content.ReadAsByteArrayAsync();
        if (rewriteBody is not null)
        {
            body = rewriteBody(body);
        }

        await response.SendAsync((int)answer.StatusCode, body, headers);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                var request = await ReadRequestAsync(stream);
                if (request is null)
                {
                    return;
                }

                Requests.Enqueue(request);
                var response = new MiniResponse(stream, request.Method == "HEAD", () =>
                {
                    client.Client.LingerState = new LingerOption(true, 0);
                    client.Client.Close();
                });
                await _handler(request, response);
                if (!response.Started)
                {
                    await response.SendAsync(500);
                }

                await stream.FlushAsync();
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                // The client went away (as it should when it refuses a response).
            }
            catch (Exception ex)
            {
                Failures.Enqueue(ex);
            }
        }
    }

    private static async Task<MiniRequest?> ReadRequestAsync(Stream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            var read = await stream.ReadAsync(one);
            if (read == 0)
            {
                return null;
            }

            if (buffer.Count == 0 && one[0] == 0x16)
            {
                // A TLS ClientHello (a client trying https first): hang up, as a plain http server does.
                return null;
            }

            buffer.Add(one[0]);
            var n = buffer.Count;
            if (n >= 4 && buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r' && buffer[n - 1] == '\n')
            {
                break;
            }

            if (n > 65536)
            {
                throw new InvalidDataException("request head too large");
            }
        }

        var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n");
        var parts = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                var name = line.Substring(0, colon).Trim();
                var value = line.Substring(colon + 1).Trim();
                headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + value : value;
            }
        }

        var body = Array.Empty<byte>();
        if (headers.TryGetValue("Content-Length", out var lengthText) && long.TryParse(lengthText, out var length) && length > 0)
        {
            body = new byte[length];
            var filled = 0;
            while (filled < length)
            {
                var read = await stream.ReadAsync(body.AsMemory(filled));
                if (read == 0)
                {
                    throw new EndOfStreamException();
                }

                filled += read;
            }
        }

        return new MiniRequest(parts[0], parts.Length > 1 ? parts[1] : "/", headers, body);
    }
}
