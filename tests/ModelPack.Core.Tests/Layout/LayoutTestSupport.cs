using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Layout;

/// <summary>A fresh directory under the system temp dir, removed on Dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "modelpack-layout-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A small ModelPack artifact (config, two raw layers, manifest) written into a layout.</summary>
internal sealed class TestArtifact
{
    private TestArtifact(byte[] config, byte[][] layers, ModelManifest manifest)
    {
        Config = config;
        Layers = layers;
        Manifest = manifest;
    }

    public byte[] Config { get; }

    public byte[][] Layers { get; }

    public ModelManifest Manifest { get; }

    public Descriptor Descriptor => Manifest.ToDescriptor();

    public IEnumerable<(string Digest, byte[] Bytes)> Blobs =>
        new[] { (Manifest.Config!.Digest, Config) }
            .Concat(Manifest.Layers.Select((l, i) => (l.Digest, Layers[i])))
            .Append((Manifest.Digest, Manifest.ToBytes()));

    public static TestArtifact Write(OciLayout layout, string name = "tiny")
    {
        var weights = Encoding.UTF8.GetBytes($"GGUF weights of {name} " + new string('w', 300));
        var readme = Encoding.UTF8.GetBytes($"# {name}\nA model made by a test.\n");
        var layers = new[] { weights, readme };
        var layerDescriptors = new[]
        {
            Layer(layout, weights, LayerKind.Weight, "model.gguf"),
            Layer(layout, readme, LayerKind.Doc, "README.md"),
        };
        var config = Encoding.UTF8.GetBytes(
            "{\"descriptor\":{\"name\":\"" + name + "\"},\"config\":{\"format\":\"gguf\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[\"" +
            layerDescriptors[0].Digest + "\",\"" + layerDescriptors[1].Digest + "\"]}}");
        var configDigest = layout.WriteBlob(config);
        var manifest = ModelManifest.Create(
            new Descriptor(MediaTypes.ModelConfig, configDigest, config.Length),
            layerDescriptors,
            new Dictionary<string, string> { [AnnotationKeys.Created] = "2025-01-02T03:04:05Z" });
        layout.WriteBlob(manifest.ToBytes());
        return new TestArtifact(config, layers, manifest);
    }

    private static Descriptor Layer(OciLayout layout, byte[] bytes, LayerKind kind, string path) =>
        new(LayerMediaType.Format(kind, LayerPacking.Raw), layout.WriteBlob(bytes), bytes.Length, new Dictionary<string, string> { [AnnotationKeys.Filepath] = path });
}

/// <summary>Runs the real skopeo binary.</summary>
internal static class Skopeo
{
    public static string Executable
    {
        get
        {
            foreach (var dir in new[] { "/usr/bin" }.Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator)))
            {
                var candidate = System.IO.Path.Combine(dir, "skopeo");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("skopeo is not installed; these interop tests need the real binary.");
        }
    }

    /// <summary>Runs skopeo with a policy that accepts local copies, failing the test with its output on a non-zero exit.</summary>
    public static string Run(params string[] args)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--insecure-policy");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("skopeo " + string.Join(' ', args) + " did not finish within 60 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"skopeo {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        }

        return stdout;
    }
}

/// <summary>Test double for a network source: serves bytes, then blocks at a gate until the test opens it.</summary>
internal sealed class GatedStream : Stream
{
    private readonly byte[] _bytes;
    private readonly int _gateAfter;
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _position;

    public GatedStream(byte[] bytes, int gateAfter)
    {
        _bytes = bytes;
        _gateAfter = gateAfter;
    }

    /// <summary>Released once when the reader reaches the gate.</summary>
    public SemaphoreSlim ReachedGate { get; } = new(0);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _bytes.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public void Open() => _gate.TrySetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_position >= _gateAfter && !_gate.Task.IsCompleted)
        {
            ReachedGate.Release();
            await _gate.Task;
            cancellationToken.ThrowIfCancellationRequested();
        }

        var limit = _position < _gateAfter ? _gateAfter : _bytes.Length;
        var n = Math.Min(buffer.Length, limit - _position);
        _bytes.AsMemory(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Test double for a dropped connection: serves some bytes, then throws IOException.</summary>
internal sealed class FailingStream : MemoryStream
{
    private readonly int _failAfter;

    public FailingStream(byte[] bytes, int failAfter)
        : base(bytes)
    {
        _failAfter = failAfter;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (Position >= _failAfter)
        {
            throw new IOException("Simulated connection reset.");
        }

        return base.Read(buffer, offset, (int)Math.Min(count, _failAfter - Position));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));
}
