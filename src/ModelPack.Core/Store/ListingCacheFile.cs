using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>
/// The file <see cref="ListingCache"/> keeps beside index.json: one JSON object whose <c>manifests</c> array holds,
/// per manifest digest, the manifest and config bytes (base64) and the stamps of their blob files. A file that cannot
/// be read or parsed, or is of another version, reads as empty; an entry that is malformed is left out.
/// </summary>
internal static class ListingCacheFile
{
    public const string FileName = "modelpack-listing.json";
    private const string VersionKey = "modelpackListing";
    private const int Version = 1;

    /// <summary>Past this size the file is not read (a store of 100,000 models stays well below it).</summary>
    private const long MaxBytes = 512L * 1024 * 1024;

    public static Dictionary<string, ListedManifest> Read(string path)
    {
        var entries = new Dictionary<string, ListedManifest>(StringComparer.Ordinal);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxBytes)
            {
                return entries;
            }

            using var doc = JsonText.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (JsonText.Int64(root, VersionKey) != Version || !root.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
            {
                return entries;
            }

            foreach (var item in manifests.EnumerateArray())
            {
                if (ReadEntry(item) is ListedManifest entry)
                {
                    entries[entry.Digest] = entry;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException)
        {
            entries.Clear();
        }

        return entries;
    }

    /// <summary>Replaces the file in one rename. Not flushed: a file lost or torn by a crash reads as empty or fails its digests.</summary>
    public static void Write(string path, IEnumerable<ListedManifest> entries, string tempDirectory)
    {
        var bytes = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber(VersionKey, Version);
            w.WriteStartArray("manifests");
            foreach (var entry in entries)
            {
                w.WriteStartObject();
                w.WriteString("digest", entry.Digest);
                w.WriteBase64String("manifest", entry.Manifest);
                WriteStamp(w, "manifestStamp", entry.ManifestStamp);
                if (entry.Config is not null && entry.ConfigStamp is BlobStamp configStamp)
                {
                    w.WriteBase64String("config", entry.Config);
                    WriteStamp(w, "configStamp", configStamp);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        AtomicFile.Write(path, bytes, tempDirectory, "listing-", flushToDisk: false);
    }

    private static ListedManifest? ReadEntry(JsonElement item)
    {
        if (JsonText.String(item, "digest") is not string digest || JsonText.String(item, "manifest") is null ||
            ReadStamp(item, "manifestStamp") is not BlobStamp manifestStamp)
        {
            return null;
        }

        var entry = new ListedManifest(digest, item.GetProperty("manifest").GetBytesFromBase64(), manifestStamp);
        if (JsonText.String(item, "config") is not null)
        {
            entry.Config = item.GetProperty("config").GetBytesFromBase64();
            entry.ConfigStamp = ReadStamp(item, "configStamp") ?? throw new FormatException("A config without its stamp.");
        }

        return entry;
    }

    private static void WriteStamp(Utf8JsonWriter w, string name, BlobStamp stamp)
    {
        w.WriteStartObject(name);
        w.WriteNumber("size", stamp.Length);
        w.WriteNumber("mtime", stamp.ModifiedTicks);
        w.WriteEndObject();
    }

    private static BlobStamp? ReadStamp(JsonElement item, string name) =>
        JsonText.Object(item, name) is JsonElement stamp && JsonText.Int64(stamp, "size") is long size && JsonText.Int64(stamp, "mtime") is long ticks
            ? new BlobStamp(size, ticks)
            : null;
}
