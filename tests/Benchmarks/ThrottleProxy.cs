using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Benchmarks;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of the registry that caps what each connection receives (a token bucket per
/// connection, <c>bytesPerSecond</c> with a 256 KiB burst), as ghcr, quay and Hugging Face's CDNs cap each
/// connection. Requests go through unchanged, so every client sees one registry; the cap applies to the answers.
/// </summary>
internal sealed class ThrottleProxy : IDisposable
{
    private const int Chunk = 64 * 1024;
    private const double Burst = 256 * 1024;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly double _bytesPerSecond;
    private readonly CancellationTokenSource _stop = new();

    public ThrottleProxy(string upstreamHostPort, double bytesPerSecond)
    {
        var parts = upstreamHostPort.Split(':');
        _upstream = new IPEndPoint(IPAddress.Parse(parts[0]), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        _bytesPerSecond = bytesPerSecond;
        _listener.Start();
        HostPort = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = AcceptAsync();
    }

    public string HostPort { get; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
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

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                client.NoDelay = true;
                upstream.NoDelay = true;
                await upstream.ConnectAsync(_upstream, _stop.Token);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var requests = PumpAsync(client.GetStream(), upstream.GetStream(), double.PositiveInfinity, done.Token);
                var answers = PumpAsync(upstream.GetStream(), client.GetStream(), _bytesPerSecond, done.Token);
                await Task.WhenAny(requests, answers);
                done.Cancel();
            }
            catch (Exception)
            {
                // A side went away: the connection is over.
            }
        }
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, double bytesPerSecond, CancellationToken token)
    {
        var buffer = new byte[Chunk];
        var clock = Stopwatch.StartNew();
        var tokens = Burst;
        var last = TimeSpan.Zero;
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, token);
                if (read == 0)
                {
                    return;
                }

                if (!double.IsPositiveInfinity(bytesPerSecond))
                {
                    var now = clock.Elapsed;
                    tokens = Math.Min(Burst, tokens + ((now - last).TotalSeconds * bytesPerSecond));
                    last = now;
                    tokens -= read;
                    if (tokens < 0)
                    {
                        // Pay the debt before sending; the time slept is counted as refill on the next round.
                        await Task.Delay(TimeSpan.FromSeconds(-tokens / bytesPerSecond), token);
                    }
                }

                await to.WriteAsync(buffer.AsMemory(0, read), token);
            }
        }
        catch (Exception)
        {
            // Either side closed or the relay was stopped.
        }
    }
}
