using System;
using System.IO;
using System.Text.Json;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Transfer;

/// <summary>
/// Where unfinished uploads' session URLs are kept (<c>tmp/uploads/</c> of the store, one file per registry,
/// repository and blob) until the blob is in, so a push that was interrupted (Ctrl+C, a dropped connection)
/// continues in the next run where the registry stands.
/// </summary>
internal sealed class UploadSessions
{
    private const string DirectoryName = "uploads";
    private readonly string _temp;
    private readonly string _directory;

    /// <param name="tempDirectory">The store's tmp/ (atomic writes stage there).</param>
    public UploadSessions(string tempDirectory)
    {
        _temp = tempDirectory;
        _directory = Path.Combine(tempDirectory, DirectoryName);
    }

    /// <summary>The session URL an earlier run left for this blob, or null.</summary>
    public Uri? Read(string repository, string digest)
    {
        try
        {
            using var doc = JsonText.Parse(File.ReadAllBytes(FileOf(repository, digest)));
            return doc.RootElement.ValueKind == JsonValueKind.Object &&
                doc.RootElement.TryGetProperty("location", out var value) && value.ValueKind == JsonValueKind.String &&
                Uri.TryCreate(value.GetString(), UriKind.Absolute, out var location)
                ? location
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Records the session's current URL, or forgets it (null) once the blob is in.</summary>
    public void Write(string repository, string digest, Uri? location)
    {
        var file = FileOf(repository, digest);
        try
        {
            if (location is null)
            {
                AtomicFile.TryDelete(file);
                return;
            }

            var json = JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("location", location.AbsoluteUri);
                w.WriteEndObject();
            });
            Directory.CreateDirectory(_directory);
            AtomicFile.Write(file, json, _temp, "upload-");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only a later resume needs it; this upload goes on without.
        }
    }

    /// <param name="repository">The destination, <c>host/name</c>.</param>
    private string FileOf(string repository, string digest) =>
        Path.Combine(_directory, Digest.Sha256(repository + "@" + digest).Encoded + ".json");
}
