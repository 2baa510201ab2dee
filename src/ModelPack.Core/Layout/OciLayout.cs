using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Layout;

/// <summary>
/// An OCI image layout directory (image-spec image-layout.md): <c>oci-layout</c>, <c>index.json</c>,
/// <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>. Everything read is verified against its digest; everything
/// written becomes visible only by an atomic rename after verification (<c>OciLayout.Blobs.cs</c>); index.json
/// changes under a cross-process lock (<c>OciLayout.Index.cs</c>). Partial writes live in <c>tmp/</c>, which
/// other OCI tools ignore.
/// </summary>
public sealed partial class OciLayout
{
    public const string LayoutFileName = "oci-layout";
    public const string IndexFileName = "index.json";
    public const string IndexLockFileName = "index.json.lock";
    public const string BlobsDirectoryName = "blobs";
    public const string TempDirectoryName = "tmp";
    public const string ImageLayoutVersion = "1.0.0";

    /// <summary>Manifests and indexes bigger than this are refused, as registries do (4 MiB).</summary>
    public const long MaxManifestBytes = 4 * 1024 * 1024;

    private const int MaxIndexDepth = 8;

    private OciLayout(string root)
    {
        Root = root;
    }

    /// <summary>Absolute path of the layout directory.</summary>
    public string Root { get; }

    /// <summary>How long index.json updates wait for another writer's lock before failing with StoreLocked.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    private string IndexPath => Path.Combine(Root, IndexFileName);

    private string TempDirectory => Path.Combine(Root, TempDirectoryName);

    /// <summary>Opens an existing layout; LayoutNotFound when it or its oci-layout/index.json is missing, InvalidLayout when they are malformed.</summary>
    public static OciLayout Open(string path)
    {
        var root = FullPath(path);
        if (!Directory.Exists(root))
        {
            throw LayoutErrors.NotFound(root, $"The OCI layout '{root}' does not exist. Check the path, or create the layout first.");
        }

        var layoutFile = Path.Combine(root, LayoutFileName);
        if (!File.Exists(layoutFile))
        {
            throw LayoutErrors.NotFound(root, $"'{root}' is not an OCI image layout: it has no '{LayoutFileName}' file. Point at a directory written as an OCI layout (e.g. by 'skopeo copy ... oci:DIR:TAG').");
        }

        CheckLayoutFile(root, layoutFile);
        var layout = new OciLayout(root);
        IndexJson.Validate(layout.ReadIndexBytes(), root);
        return layout;
    }

    /// <summary>Opens the layout at <paramref name="path"/>, first creating it (or its missing parts) when needed.</summary>
    public static OciLayout Create(string path)
    {
        var root = FullPath(path);
        Directory.CreateDirectory(root);
        var layoutFile = Path.Combine(root, LayoutFileName);
        var indexFile = Path.Combine(root, IndexFileName);
        var tempDirectory = Path.Combine(root, TempDirectoryName);
        if (!File.Exists(layoutFile) || !File.Exists(indexFile))
        {
            // Checked and created under the lock: a process creating the same layout at the same time
            // would otherwise see the other's half-made layout (oci-layout written, index.json not yet)
            // as a foreign directory.
            using var indexLock = FileLock.Acquire(Path.Combine(root, IndexLockFileName), TimeSpan.FromSeconds(30));
            if (!File.Exists(layoutFile) && !File.Exists(indexFile) && HasForeignEntries(root))
            {
                throw LayoutErrors.Invalid(root, $"'{root}' is not empty and is not an OCI image layout; refusing to turn it into one. Choose an empty or new directory.");
            }

            Directory.CreateDirectory(Path.Combine(root, BlobsDirectoryName, DigestAlgorithm.Sha256.Name));
            if (!File.Exists(layoutFile))
            {
                AtomicFile.Write(layoutFile, Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"" + ImageLayoutVersion + "\"}"), tempDirectory, "oci-layout-");
            }

            if (!File.Exists(indexFile))
            {
                AtomicFile.Write(indexFile, ImageIndex.Create(Array.Empty<Descriptor>()).ToBytes(), tempDirectory, "index-");
            }
        }

        Directory.CreateDirectory(Path.Combine(root, BlobsDirectoryName, DigestAlgorithm.Sha256.Name));
        return Open(root);
    }

    /// <summary>
    /// The path of a blob: blobs/&lt;alg&gt;/&lt;hex&gt;. Only well-formed sha256/sha512 digests are
    /// accepted, so the result always stays inside blobs/ (InvalidDigest, UnsupportedDigestAlgorithm).
    /// </summary>
    public string BlobPath(string digest)
    {
        var parsed = ParseDigest(digest);
        return Path.Combine(Root, BlobsDirectoryName, parsed.Algorithm, parsed.Encoded);
    }

    /// <summary>The layout's directory for partial data, created on demand.</summary>
    public string TempPath
    {
        get
        {
            Directory.CreateDirectory(TempDirectory);
            return TempDirectory;
        }
    }

    private static string FullPath(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("The layout path is empty.", nameof(path));
        }

        return Path.GetFullPath(path);
    }

    private static void CheckLayoutFile(string root, string layoutFile)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(layoutFile);
        }
        catch (FileNotFoundException)
        {
            throw LayoutErrors.NotFound(root, $"'{root}' is not an OCI image layout: it has no '{LayoutFileName}' file.");
        }

        string? version;
        try
        {
            using var doc = JsonText.Parse(bytes);
            version = doc.RootElement.ValueKind == JsonValueKind.Object ? JsonText.String(doc.RootElement, "imageLayoutVersion") : null;
        }
        catch (JsonException ex)
        {
            throw LayoutErrors.Invalid(root, $"The '{LayoutFileName}' file of '{root}' is not valid JSON: {ex.Message}", ex);
        }

        if (version is null)
        {
            throw LayoutErrors.Invalid(root, $"The '{LayoutFileName}' file of '{root}' must be a JSON object with a string 'imageLayoutVersion'.");
        }

        if (!version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw LayoutErrors.Invalid(root, $"The OCI layout '{root}' has imageLayoutVersion '{version}'; only 1.x layouts are supported.");
        }
    }

    /// <summary>Anything but the files a half-finished Create of our own may have left.</summary>
    private static bool HasForeignEntries(string root) =>
        Directory.EnumerateFileSystemEntries(root)
            .Select(Path.GetFileName)
            .Any(name => name is not (IndexLockFileName or BlobsDirectoryName or TempDirectoryName));

    private static Digest ParseDigest(string digest)
    {
        if (!Digest.TryParse(digest, out var parsed, out var error))
        {
            throw new ModelPackException(ErrorIds.InvalidDigest, ErrorKind.InvalidData, error + " A digest is algorithm:hex, e.g. sha256:<64 hex digits>.", digest);
        }

        if (!parsed.IsVerifiable)
        {
            throw new ModelPackException(ErrorIds.UnsupportedDigest, ErrorKind.InvalidData, $"Digest '{digest}' uses the algorithm '{parsed.Algorithm}'; only {DigestAlgorithm.Names} blobs can be verified and stored.", digest);
        }

        return parsed;
    }
}
