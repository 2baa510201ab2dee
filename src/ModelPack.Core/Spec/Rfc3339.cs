using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelPack.Core.Spec;

/// <summary>RFC 3339 date-time (JSON Schema "date-time"): a full date, 'T', a time with seconds, and a zone.</summary>
public static class Rfc3339
{
    private static readonly Regex Pattern = new(
        @"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$",
        RegexOptions.CultureInvariant);

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || !Pattern.IsMatch(text))
        {
            return false;
        }

        var normal = text.Replace('t', 'T').Replace('z', 'Z');
        return DateTimeOffset.TryParse(normal, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out value);
    }

    /// <summary>UTC with 'Z', fractional seconds only when present (as Go's RFC3339Nano).</summary>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return text + "Z";
    }
}
