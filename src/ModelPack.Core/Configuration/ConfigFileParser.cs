using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;

namespace ModelPack.Core.Configuration;

/// <summary>
/// Reads <c>config.json</c>. Comments and trailing commas are allowed because people edit this file by
/// hand. Every error names the file and the 1-based line; unknown keys become warnings so a newer
/// file still works with an older module.
/// </summary>
internal static class ConfigFileParser
{
    public const string StrategyKey = "strategy";
    public const string EngineKey = "engine";
    public const string StoreKey = "store";
    public const string InsecureRegistriesKey = "insecureRegistries";
    public const string MaxRetryKey = "maxRetry";
    public const string ConcurrencyKey = "concurrency";
    public const string ConnectionsPerBlobKey = "connectionsPerBlob";
    public const string RangedPartSizeKey = "rangedPartSizeMiB";
    public const string DurabilityKey = "durability";
    public const string MinTransferRateKey = "minTransferRate";
    public const string TransferRateWindowKey = "transferRateWindow";
    public const string MaxLayerEntriesKey = "maxLayerEntries";
    public const string MaxCompressionRatioKey = "maxCompressionRatio";

    private static readonly string[] KnownKeys =
    {
        StrategyKey, EngineKey, StoreKey, InsecureRegistriesKey, MaxRetryKey, ConcurrencyKey, ConnectionsPerBlobKey, RangedPartSizeKey, DurabilityKey,
        MinTransferRateKey, TransferRateWindowKey, MaxLayerEntriesKey, MaxCompressionRatioKey,
    };

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 64,
    };

    public static ConfigFileContent Parse(byte[] bytes, string path, string? homeDirectory)
    {
        var json = StripUtf8Bom(bytes);
        var content = new ConfigFileContent();
        if (IsBlank(json))
        {
            // An empty file (e.g. just created with touch) sets nothing; that is not worth an error.
            return content;
        }

        var lines = new LineCounter(json);
        var reader = new Utf8JsonReader(json, ReaderOptions);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Invalid(path, lines.LineOf(reader.TokenStartIndex), "the file must hold one JSON object such as {\"strategy\": \"http-bind\"}, but it starts with " + Describe(JsonElement.ParseValue(ref reader)) + ".");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ReadSetting(ref reader, content, seen, lines, path, homeDirectory);
            }

            // Anything after the object other than blanks or comments is an error (the reader throws).
            reader.Read();
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is long zeroBased ? zeroBased + 1 : lines.LineOf(reader.TokenStartIndex);
            throw Invalid(path, line, "the file is not valid JSON: " + WithoutPosition(ex.Message), ex);
        }

        return content;
    }

    /// <summary>Reads the setting whose name the reader is on, and its value; an unknown or repeated one is a warning.</summary>
    private static void ReadSetting(ref Utf8JsonReader reader, ConfigFileContent content, HashSet<string> seen, LineCounter lines, string path, string? homeDirectory)
    {
        var line = lines.LineOf(reader.TokenStartIndex);
        string key;
        try
        {
            key = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Invalid(path, line, "a setting's name is not text (bytes that are not UTF-8, or an escaped lone surrogate such as \\ud800).");
        }

        reader.Read();
        var value = JsonElement.ParseValue(ref reader);
        try
        {
            JsonText.EnsureDecodable(value, JsonPath.Property(JsonPath.Root, key));
        }
        catch (UndecodableJsonException ex)
        {
            throw Invalid(path, line, $"{ex.Path} {ex.Problem}.");
        }

        var known = Array.Find(KnownKeys, k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
        if (known is null)
        {
            content.Warnings.Add($"{path}, line {line}: unknown setting {DisplayText.Quote(key)} is ignored (known: {string.Join(", ", KnownKeys)}).");
            return;
        }

        if (!seen.Add(known))
        {
            content.Warnings.Add($"{path}, line {line}: {DisplayText.Quote(known)} is set again; this later value is used.");
        }

        Apply(content, known, value, path, line, homeDirectory);
    }

    private static void Apply(ConfigFileContent content, string key, JsonElement value, string path, long line, string? home)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        switch (key)
        {
            case StrategyKey:
                var text = RequireString(value, key, "\"http-bind\"", path, line);
                if (!StrategyNames.TryParse(text, out var strategy))
                {
                    throw Invalid(path, line, $"{DisplayText.Quote(key)} is {DisplayText.Quote(text)}, which is not a strategy. Use one of {StrategyNames.Accepted}.");
                }

                content.Strategy = strategy;
                break;
            case EngineKey:
                content.Engine = ExpandHome(RequireString(value, key, "\"podman\", \"docker\", \"none\" or a path", path, line), home);
                break;
            case StoreKey:
                content.Store = ExpandHome(RequireString(value, key, "a directory path", path, line), home);
                break;
            case InsecureRegistriesKey:
                content.InsecureRegistries = ReadRegistries(value, path, line);
                break;
            case MaxRetryKey:
                content.MaxRetry = RequireInteger(value, key, minimum: 0, path, line);
                break;
            case ConcurrencyKey:
                content.Concurrency = RequireInteger(value, key, minimum: 1, path, line);
                break;
            case ConnectionsPerBlobKey or RangedPartSizeKey:
                ApplyRanged(content, key, RequireInteger(value, key, minimum: 1, path, line));
                break;
            case MinTransferRateKey:
                content.MinTransferRate = RequireInteger(value, key, minimum: 0, path, line);
                break;
            case TransferRateWindowKey:
                content.TransferRateWindow = TimeSpan.FromSeconds(RequireNumber(value, key, "a number of seconds such as 30", minimum: 0.001, maximum: 86400, path, line));
                break;
            case MaxLayerEntriesKey:
                content.MaxLayerEntries = RequireInteger(value, key, minimum: 1, path, line);
                break;
            case MaxCompressionRatioKey:
                content.MaxCompressionRatio = RequireNumber(value, key, "a number such as 100", minimum: 1, maximum: 1e9, path, line);
                break;
            case DurabilityKey:
                var durability = RequireString(value, key, "\"deferred\" or \"immediate\"", path, line);
                content.Durability = durability.ToLowerInvariant() switch
                {
                    "deferred" => StoreDurability.Deferred,
                    "immediate" => StoreDurability.Immediate,
                    _ => throw Invalid(path, line, $"{DisplayText.Quote(key)} is {DisplayText.Quote(durability)}; use \"deferred\" (the default: pulls do not wait for the disk, and what a system stop damaged is found and removed) or \"immediate\" (every blob is flushed to disk before it is stored)."),
                };
                break;
        }
    }

    private static string RequireString(JsonElement value, string key, string example, string path, long line)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : null;
        if (string.IsNullOrEmpty(text))
        {
            throw Invalid(path, line, $"{DisplayText.Quote(key)} must be a non-empty string ({example}), got {Describe(value)}.");
        }

        return text!;
    }

    private static void ApplyRanged(ConfigFileContent content, string key, int value)
    {
        if (key == ConnectionsPerBlobKey)
        {
            content.ConnectionsPerBlob = value;
        }
        else
        {
            content.RangedPartSize = value * 1024L * 1024;
        }
    }

    private static int RequireInteger(JsonElement value, string key, int minimum, string path, long line)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < minimum)
        {
            throw Invalid(path, line, $"{DisplayText.Quote(key)} must be a whole number of at least {minimum.ToString(CultureInfo.InvariantCulture)}, got {Describe(value)}.");
        }

        return number;
    }

    private static double RequireNumber(JsonElement value, string key, string example, double minimum, double maximum, string path, long line)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || double.IsNaN(number) || number < minimum || number > maximum)
        {
            throw Invalid(path, line, $"{DisplayText.Quote(key)} must be {example}, from {minimum.ToString(CultureInfo.InvariantCulture)} to {maximum.ToString(CultureInfo.InvariantCulture)}, got {Describe(value)}.");
        }

        return number;
    }

    private static List<string> ReadRegistries(JsonElement value, string path, long line)
    {
        const string Shape = "an array of host[:port] strings such as [\"localhost:5000\"]";
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, line, $"{DisplayText.Quote(InsecureRegistriesKey)} must be {Shape}, got {Describe(value)}.");
        }

        var hosts = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString()!.Trim() : null;
            if (text is null || HostGrammar.Check(text, out var host) is not null)
            {
                throw Invalid(path, line, $"{DisplayText.Quote(InsecureRegistriesKey)} must be {Shape}, without a scheme or path; {Describe(item)} is not.");
            }

            hosts.Add(host.Key);
        }

        return hosts;
    }

    private static string ExpandHome(string value, string? home)
    {
        // JSON gets no shell expansion, and "~/models" is what people write.
        if (home is null || value.Length == 0 || value[0] != '~')
        {
            return value;
        }

        if (value.Length == 1)
        {
            return home;
        }

        return value[1] == '/' || value[1] == '\\' ? home.TrimEnd('/', '\\') + value.Substring(1) : value;
    }

    private static string Describe(JsonElement value) => DisplayText.Describe(value);

    private static ModelPackException Invalid(string path, long line, string problem, Exception? inner = null) => ConfigErrors.AtLine(path, line, problem, inner);

    private static string WithoutPosition(string message)
    {
        // The reader appends its own zero-based "LineNumber: n | BytePositionInLine: m."; ours is one-based.
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return at > 0 ? message.Substring(0, at) : message;
    }

    private static byte[] StripUtf8Bom(byte[] bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            var rest = new byte[bytes.Length - 3];
            Array.Copy(bytes, 3, rest, 0, rest.Length);
            return rest;
        }

        return bytes;
    }

    private static bool IsBlank(byte[] json)
    {
        foreach (var b in json)
        {
            if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r' && b != (byte)'\n')
            {
                return false;
            }
        }

        return true;
    }
}
