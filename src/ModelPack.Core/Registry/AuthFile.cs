using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using ModelPack.Core.References;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>
/// A containers auth.json or docker config.json: <c>auths</c> (base64 <c>auth</c> user:password or
/// <c>identitytoken</c>), <c>credHelpers</c> by registry and the default <c>credsStore</c>.
/// </summary>
internal sealed class AuthFile
{
    private AuthFile(string path, Dictionary<string, JsonElement> auths, Dictionary<string, string> credHelpers, string? credsStore)
    {
        Path = path;
        Auths = auths;
        CredHelpers = credHelpers;
        CredsStore = credsStore;
    }

    public string Path { get; }

    /// <summary>Entries keyed as in the file (host, host/namespace, or a legacy URL).</summary>
    public Dictionary<string, JsonElement> Auths { get; }

    public Dictionary<string, string> CredHelpers { get; }

    public string? CredsStore { get; }

    /// <summary>The file, or null when it does not exist or cannot be read (the reason is logged).</summary>
    public static AuthFile? Load(string path, Action<string> log)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return Parse(File.ReadAllBytes(path), path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log($"Auth file '{path}' could not be read ({ex.Message}); skipped.");
        }
        catch (JsonException)
        {
            // The message of a JsonException can quote the file's content: never log it.
            log($"Auth file '{path}' is not valid JSON; skipped.");
        }

        return null;
    }

    public static AuthFile Parse(byte[] json, string path)
    {
        using var doc = JsonText.Parse(json);
        var root = doc.RootElement;
        var auths = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        var helpers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? store = null;
        if (root.ValueKind == JsonValueKind.Object)
        {
            if (root.TryGetProperty("auths", out var a) && a.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in a.EnumerateObject())
                {
                    if (entry.Value.ValueKind == JsonValueKind.Object)
                    {
                        auths[entry.Name] = entry.Value.Clone();
                    }
                }
            }

            if (root.TryGetProperty("credHelpers", out var h) && h.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in h.EnumerateObject())
                {
                    if (entry.Value.ValueKind == JsonValueKind.String && entry.Value.GetString() is { Length: > 0 } helper)
                    {
                        helpers[entry.Name] = helper;
                    }
                }
            }

            if (root.TryGetProperty("credsStore", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() is { Length: > 0 } st)
            {
                store = st;
            }
        }

        return new AuthFile(path, auths, helpers, store);
    }

    /// <summary>
    /// The credential of an <c>auths</c> entry, or null when it holds neither <c>auth</c> nor
    /// <c>identitytoken</c> (docker leaves such empty entries when a credsStore holds the secret).
    /// </summary>
    public static RegistryCredential? Decode(JsonElement entry, string source, Action<string> log)
    {
        string? user = null;
        string? password = null;
        var auth = entry.TryGetProperty("auth", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        if (!string.IsNullOrEmpty(auth))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth!));
            }
            catch (FormatException)
            {
                log($"The 'auth' value of {source} is not base64; entry skipped.");
                return null;
            }

            var colon = decoded.IndexOf(':');
            if (colon <= 0)
            {
                log($"The 'auth' value of {source} is not user:password; entry skipped.");
                return null;
            }

            user = decoded.Substring(0, colon);
            password = decoded.Substring(colon + 1);
        }

        var identityToken = entry.TryGetProperty("identitytoken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (!string.IsNullOrEmpty(identityToken))
        {
            return RegistryCredential.FromSource(user ?? "<token>", null, identityToken, source);
        }

        return user is null ? null : RegistryCredential.FromSource(user, password, null, source);
    }

    /// <summary>
    /// An auths key reduced to host[:port][/namespace] in lower case: a URL key (legacy,
    /// https://index.docker.io/v1/) keeps only its host, and Docker Hub's names folded to docker.io.
    /// </summary>
    public static string NormaliseKey(string key)
    {
        var k = key.Trim().ToLowerInvariant();
        var isUrl = false;
        if (k.StartsWith("https://", StringComparison.Ordinal))
        {
            k = k.Substring(8);
            isUrl = true;
        }
        else if (k.StartsWith("http://", StringComparison.Ordinal))
        {
            k = k.Substring(7);
            isUrl = true;
        }

        k = k.TrimEnd('/');
        if (isUrl)
        {
            // Legacy keys are API URLs (https://index.docker.io/v1/): the path is not a namespace.
            var firstSlash = k.IndexOf('/');
            if (firstSlash >= 0)
            {
                k = k.Substring(0, firstSlash);
            }
        }

        var slash = k.IndexOf('/');
        var host = slash >= 0 ? k.Substring(0, slash) : k;
        var canonical = DockerHubNames.Canonical(host);
        if (!string.Equals(canonical, host, StringComparison.Ordinal))
        {
            k = canonical + (slash >= 0 ? k.Substring(slash) : string.Empty);
        }

        return k;
    }
}
