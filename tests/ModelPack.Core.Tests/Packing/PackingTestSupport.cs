using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Layout;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Packing;

/// <summary>A model folder on disk, like a Hugging Face checkout: weights, configs, docs, code, a dataset, a hidden file.</summary>
internal sealed class ModelFolder : IDisposable
{
    private readonly TempDirectory _dir = new("modelpack-source");

    public string Path => _dir.Path;

    public static byte[] Random(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The standard sample: every kind, nested paths, an executable script, an unclassified file.</summary>
    public static ModelFolder Sample()
    {
        var folder = new ModelFolder();
        folder.Write("model-00001-of-00002.safetensors", Random(200_000, 1));
        folder.Write("model-00002-of-00002.safetensors", Random(90_000, 2));
        folder.Write("model.safetensors.index.json", "{\"weight_map\":{}}");
        folder.Write("config.json", "{\"architectures\":[\"LlamaForCausalLM\"]}");
        folder.Write("generation_config.json", "{\"do_sample\":true}");
        folder.Write("tokenizer.json", "{\"model\":{\"type\":\"BPE\"}}");
        folder.Write("tokenizer_config.json", "{}");
        folder.Write("merges.txt", "a b\n");
        folder.Write("README.md", "# Sample model\n");
        folder.Write("LICENSE", "MIT\n");
        folder.Write("scripts/run.py", "print('hello')\n");
        folder.WriteExecutable("scripts/setup.sh", "#!/bin/sh\necho setup\n");
        folder.Write("data/train/part-0.jsonl", "{\"text\":\"a\"}\n");
        folder.Write("data/train/part-1.jsonl", "{\"text\":\"b\"}\n");
        folder.Write("data/eval.csv", "text\nc\n");
        folder.Write("notes.xyz", "unclassified\n");
        folder.Write(".gitattributes", "*.safetensors filter=lfs\n");
        return folder;
    }

    public string Full(string relative) => System.IO.Path.Combine(Path, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));

    public string Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));

    public string Write(string relative, byte[] bytes)
    {
        var full = Full(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    public string WriteExecutable(string relative, string text)
    {
        var full = Write(relative, text);
        if (OperatingSystem.IsWindows())
        {
            return full;
        }

        File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return full;
    }

    public void Symlink(string relative, string target)
    {
        var full = Full(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.CreateSymbolicLink(full, target);
    }

    /// <summary>A named pipe made by mkfifo(1); its full path.</summary>
    public string MakeFifo(string relative) => MakeSpecial("mkfifo", relative);

    /// <summary>A block device node made by mknod(1) (needs root); its full path.</summary>
    public string MakeBlockDevice(string relative, int major, int minor) =>
        MakeSpecial("mknod", relative, "b", major.ToString(CultureInfo.InvariantCulture), minor.ToString(CultureInfo.InvariantCulture));

    private string MakeSpecial(string tool, string relative, params string[] arguments)
    {
        var full = Full(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(full);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} '{full}' failed: {stderr}");
        }

        return full;
    }

    /// <summary>Flips one bit of one byte of a file.</summary>
    public void FlipByte(string relative, int offset = 0)
    {
        var bytes = File.ReadAllBytes(Full(relative));
        bytes[offset] ^= 0x01;
        File.WriteAllBytes(Full(relative), bytes);
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// Runs work that may block on a named pipe off the test thread, and fails the test when it takes longer than
/// <see cref="Limit"/>; a reader stuck opening one of <c>fifos</c> is released first (by opening it for
/// writing), so the test run ends.
/// </summary>
internal static class Promptly
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public static async Task<T> Run<T>(Func<Task<T>> action, params string[] fifos)
    {
        var work = Task.Run(action);
        if (await Task.WhenAny(work, Task.Delay(Limit)).ConfigureAwait(false) != work)
        {
            foreach (var fifo in fifos)
            {
                using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
            }

            throw new TimeoutException($"The work did not return within {Limit.TotalSeconds} s: it blocked on a special file.");
        }

        return await work.ConfigureAwait(false);
    }
}

/// <summary>Everything visible in a store, to prove a failed operation left it untouched.</summary>
internal static class StoreState
{
    public static string Capture(ModelStore store)
    {
        var lines = new List<string>();
        foreach (var file in Directory.EnumerateFileSystemEntries(store.Root, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var relative = System.IO.Path.GetRelativePath(store.Root, file);
            if (relative.StartsWith("tmp", StringComparison.Ordinal) || relative.EndsWith(".lock", StringComparison.Ordinal))
            {
                continue;
            }

            lines.Add(File.Exists(file) ? relative + " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))) : relative + "/");
        }

        var leftovers = Directory.Exists(store.TempDirectory)
            ? Directory.GetFiles(store.TempDirectory, "pack-*").Length
            : 0;
        lines.Add("pack temp files: " + leftovers);
        return string.Join("\n", lines);
    }
}

/// <summary>Files of a store snapshot, by relative path ('/').</summary>
internal static class Tree
{
    public static SortedDictionary<string, string> Hashes(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            result[System.IO.Path.GetRelativePath(root, file).Replace('\\', '/')] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return result;
    }
}

/// <summary>
/// Runs code on a thread without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH. The tests run as root, for whom
/// mode 000 means nothing; Linux capabilities are per thread, so dropping them on a dedicated thread makes
/// permissions bite there without touching the rest of the test process.
/// </summary>
internal static class WithoutFileOverride
{
    private const uint CapabilityVersion3 = 0x20080522;
    private const uint DacOverride = 1u << 1;
    private const uint DacReadSearch = 1u << 2;

    public static T Run<T>(Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var header = new CapHeader { Version = CapabilityVersion3, Pid = 0 };
                var data = new CapData[2];
                if (capget(ref header, data) != 0)
                {
                    throw new InvalidOperationException("capget failed: errno " + Marshal.GetLastPInvokeError());
                }

                data[0].Effective &= ~(DacOverride | DacReadSearch);
                if (capset(ref header, data) != 0)
                {
                    throw new InvalidOperationException("capset failed: errno " + Marshal.GetLastPInvokeError());
                }

                result = action();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw failure;
        }

        return result;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int capget(ref CapHeader header, [In, Out] CapData[] data);

    [DllImport("libc", SetLastError = true)]
    private static extern int capset(ref CapHeader header, [In] CapData[] data);

    [StructLayout(LayoutKind.Sequential)]
    private struct CapHeader
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }
}
