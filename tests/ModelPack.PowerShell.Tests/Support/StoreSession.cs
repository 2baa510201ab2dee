using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelPack.Core.Tests.Support;

namespace ModelPack.PowerShell.Tests.Support;

/// <summary>
/// A hosted PowerShell session whose store is a fresh temp dir (MODELPACK_STORE, set before the
/// module touches the store), whose registry credentials come from nowhere but -Credential, whose
/// config file is none (MODELPACK_CONFIG names a file only when a test writes one), and whose engine
/// is none (MODELPACK_ENGINE), so the store tests neither wait for nor touch the machine's podman.
/// Tests about engines and strategies pass their own variables; every variable set here (and PATH) is
/// restored when the session is disposed.
/// </summary>
public sealed class StoreSession : IDisposable
{
    private static readonly string[] Variables = ["MODELPACK_STORE", "MODELPACK_CONFIG", "MODELPACK_ENGINE", "MODELPACK_STRATEGY", "REGISTRY_AUTH_FILE", "DOCKER_CONFIG"];
    private readonly TempDirectory _dir = new("modelpack-ps-store");
    private readonly Dictionary<string, string?> _restore = new(StringComparer.Ordinal);

    public StoreSession(IDictionary<string, string?>? environment = null)
    {
        StoreRoot = _dir.File("store");
        ExportRoot = _dir.File("export");
        var variables = new Dictionary<string, string?>
        {
            ["MODELPACK_STORE"] = StoreRoot,
            ["MODELPACK_CONFIG"] = null,
            ["MODELPACK_ENGINE"] = "none",
            ["MODELPACK_STRATEGY"] = null,
            ["XDG_CONFIG_HOME"] = _dir.File("config-home"),
            ["REGISTRY_AUTH_FILE"] = _dir.File("no-auth.json"),
            ["DOCKER_CONFIG"] = _dir.File("no-docker-config"),
        };
        foreach (var pair in environment ?? new Dictionary<string, string?>())
        {
            variables[pair.Key] = pair.Value;
        }

        foreach (var name in variables.Keys.Concat(Variables).Append("PATH"))
        {
            _restore.TryAdd(name, Environment.GetEnvironmentVariable(name));
        }

        // An empty auth file rather than none: podman, which the engine tests run, refuses a REGISTRY_AUTH_FILE that does not exist.
        System.IO.File.WriteAllText(_dir.File("no-auth.json"), "{\"auths\":{}}");
        PowerShell = new PowerShellSession(variables);
    }

    /// <summary>A file in this session's temp dir (not created).</summary>
    public string TempFile(string name) => _dir.File(name);

    public PowerShellSession PowerShell { get; }

    public string StoreRoot { get; }

    /// <summary>A folder for -Path exports (not created).</summary>
    public string ExportRoot { get; }

    public string SnapshotOf(string manifestDigest) => Path.Combine(StoreRoot, "snapshots", manifestDigest.Substring("sha256:".Length));

    /// <summary>Blob files, snapshot folders and index.json: what "nothing changed in the store" compares.</summary>
    public string Contents()
    {
        if (!Directory.Exists(StoreRoot))
        {
            return "(no store)";
        }

        var blobs = Directory.Exists(Path.Combine(StoreRoot, "blobs"))
            ? Directory.GetFiles(Path.Combine(StoreRoot, "blobs"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()
            : [];
        var snapshots = Directory.Exists(Path.Combine(StoreRoot, "snapshots"))
            ? Directory.GetDirectories(Path.Combine(StoreRoot, "snapshots")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()
            : [];
        var index = File.Exists(Path.Combine(StoreRoot, "index.json")) ? File.ReadAllText(Path.Combine(StoreRoot, "index.json")) : "(no index)";
        return "blobs: " + string.Join(",", blobs) + "\nsnapshots: " + string.Join(",", snapshots) + "\nindex: " + index;
    }

    public bool HasBlob(string digest) => File.Exists(Path.Combine(StoreRoot, "blobs", "sha256", digest.Substring("sha256:".Length)));

    public void Dispose()
    {
        PowerShell.Dispose();
        foreach (var (name, value) in _restore)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        MakeWritable(_dir.Path);
        _dir.Dispose();
    }

    // Snapshot files and blobs are read-only; deleting works on Linux (the directory is writable), but be explicit.
    private static void MakeWritable(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        // Links are skipped, not followed: snapshots may hold 'd -> .', which a following walk never leaves.
        foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }))
        {
            try
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
