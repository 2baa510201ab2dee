using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Store;

/// <summary>A fresh directory under the temp path, removed (without following links) on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "modelpack-store-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine(Path, System.IO.Path.Combine(parts));

    public string CreateDirectory(string relative)
    {
        var full = Combine(relative);
        Directory.CreateDirectory(full);
        return full;
    }

    public string WriteFile(string relative, string content)
    {
        var full = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>Runs the real command-line tools (tar, zstd, stat) the tests build their fixtures with.</summary>
internal static class Shell
{
    public static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(" ", arguments)} exited {process.ExitCode}: {stderr}");
        }

        return stdout.Result.Trim();
    }

    /// <summary>"device:inode:linkcount" of a path (not following a final symlink).</summary>
    public static string Identity(string path) => Run("stat", "-c", "%d:%i:%h", path);

    public static string Inode(string path) => Run("stat", "-c", "%d:%i", path);

    public static long Device(string path) => long.Parse(Run("stat", "-c", "%d", path));

    public static string Mode(string path) => Run("stat", "-c", "%a", path);
}

/// <summary>Makes compressed layer blobs from tar files: gzip with System.IO.Compression, zstd with the zstd CLI.</summary>
internal static class LayerFiles
{
    public static string Pack(string tarPath, LayerPacking packing)
    {
        switch (packing)
        {
            case LayerPacking.Tar:
                return tarPath;
            case LayerPacking.TarGzip:
                var gz = tarPath + ".gz";
                using (var input = File.OpenRead(tarPath))
                using (var output = File.Create(gz))
                using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
                {
                    input.CopyTo(gzip);
                }

                return gz;
            case LayerPacking.TarZstd:
                var zst = tarPath + ".zst";
                Shell.Run("zstd", "-q", "-f", "-o", zst, tarPath);
                return zst;
            default:
                throw new ArgumentOutOfRangeException(nameof(packing));
        }
    }
}

/// <summary>
/// Blobs named by digest under one directory, like an OCI layout's blobs/sha256 (same file system as the
/// snapshots, so hard links work). Stands in for the store's verified-blob lookup.
/// </summary>
internal sealed class TestBlobs
{
    private readonly string directory;
    private readonly Dictionary<string, string> paths = new(StringComparer.Ordinal);

    public TestBlobs(string directory)
    {
        this.directory = directory;
        Directory.CreateDirectory(directory);
    }

    public Func<Descriptor, string> PathOf => layer => paths[layer.Digest];

    public string this[Descriptor layer] => paths[layer.Digest];

    public Descriptor Raw(string content, string? filepath, string? title = null, LayerKind kind = LayerKind.Weight)
    {
        var source = System.IO.Path.Combine(directory, "incoming-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(source, content);
        var annotations = new Dictionary<string, string>();
        if (filepath is not null)
        {
            annotations[AnnotationKeys.Filepath] = filepath;
        }

        if (title is not null)
        {
            annotations[AnnotationKeys.Title] = title;
        }

        return Add(source, LayerMediaType.Format(kind, LayerPacking.Raw), annotations);
    }

    public Descriptor Archive(string blobFile, LayerPacking packing, string? filepath = null)
    {
        var annotations = new Dictionary<string, string>();
        if (filepath is not null)
        {
            annotations[AnnotationKeys.Filepath] = filepath;
        }

        return Add(blobFile, LayerMediaType.Format(LayerKind.Weight, packing), annotations);
    }

    public Descriptor Bytes(byte[] content, LayerPacking packing)
    {
        var source = System.IO.Path.Combine(directory, "incoming-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(source, content);
        return Add(source, LayerMediaType.Format(LayerKind.Weight, packing), new Dictionary<string, string>());
    }

    private Descriptor Add(string file, string mediaType, Dictionary<string, string> annotations)
    {
        Digest digest;
        using (var stream = File.OpenRead(file))
        {
            digest = Digest.Sha256(stream);
        }

        var blob = System.IO.Path.Combine(directory, digest.Encoded);
        if (!File.Exists(blob))
        {
            File.Copy(file, blob);
        }

        paths[digest.ToString()] = blob;
        return new Descriptor(mediaType, digest.ToString(), new FileInfo(blob).Length, annotations);
    }
}
