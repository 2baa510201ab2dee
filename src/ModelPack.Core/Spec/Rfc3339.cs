using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelPack.Core.Spec;

/// <summary>
/// RFC 3339 date-time (section 5.6; JSON Schema "date-time"): full date, 'T', time with seconds,
/// optional fraction, and 'Z' or a numeric offset. 'T' and 'Z' may be lower case (section 5.6 note).
/// </summary>
public static class Rfc3339
{
    // [0-9] rather than \d, which in .NET matches every Unicode digit; \z rather than $, which also
    // matches before a final '\n'.
    private static readonly Regex Pattern = new(
        @"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))\z",
        RegexOptions.CultureInvariant);

    private static readonly TimeSpan MaxDateTimeOffset = TimeSpan.FromHours(14);

    /// <summary>
    /// True when <paramref name="text"/> is an RFC 3339 date-time with every field in range: the day
    /// exists in that month and year, offsets up to 23:59, and second 60 only where a leap second can
    /// fall (23:59:60 in UTC, whatever the offset).
    /// </summary>
    public static bool IsValid(string? text) => TryRead(text, out _);

    /// <summary>
    /// Parses an RFC 3339 date-time. A leap second is read as second 59 (.NET has no second 60), and
    /// an offset beyond .NET's ±14:00 is converted to UTC. False when not valid or not representable
    /// (year 0000).
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (!TryRead(text, out var parts) || parts.Year == 0)
        {
            return false;
        }

        try
        {
            var local = new DateTime(parts.Year, parts.Month, parts.Day, parts.Hour, parts.Minute, Math.Min(parts.Second, 59), DateTimeKind.Unspecified)
                .AddTicks(parts.FractionTicks);
            var offset = TimeSpan.FromMinutes(parts.OffsetMinutes);
            value = offset.Duration() <= MaxDateTimeOffset
                ? new DateTimeOffset(local, offset)
                : new DateTimeOffset(local - offset, TimeSpan.Zero);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            // The instant falls outside what DateTimeOffset can hold (e.g. 0001-01-01T00:00:00+01:00).
            return false;
        }
    }

    /// <summary>UTC with 'Z', fractional seconds only when present (as Go's RFC3339Nano).</summary>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return text + "Z";
    }

    private static bool TryRead(string? text, out Parts parts)
    {
        parts = default;
        if (text is null)
        {
            return false;
        }

        var match = Pattern.Match(text);
        if (!match.Success)
        {
            return false;
        }

        int Number(int group) => int.Parse(match.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture);

        parts.Year = Number(1);
        parts.Month = Number(2);
        parts.Day = Number(3);
        parts.Hour = Number(4);
        parts.Minute = Number(5);
        parts.Second = Number(6);
        if (match.Groups[7].Success)
        {
            // Ticks are 100 ns: keep seven digits, drop finer ones.
            parts.FractionTicks = int.Parse(match.Groups[7].Value.PadRight(7, '0').Substring(0, 7), NumberStyles.None, CultureInfo.InvariantCulture);
        }

        if (match.Groups[8].Success)
        {
            var offsetHours = Number(9);
            var offsetMinutes = Number(10);
            if (offsetHours > 23 || offsetMinutes > 59)
            {
                return false;
            }

            parts.OffsetMinutes = (match.Groups[8].Value == "-" ? -1 : 1) * ((offsetHours * 60) + offsetMinutes);
        }

        if (parts.Month < 1 || parts.Month > 12 || parts.Day < 1 || parts.Day > DaysInMonth(parts.Year, parts.Month) ||
            parts.Hour > 23 || parts.Minute > 59 || parts.Second > 60)
        {
            return false;
        }

        if (parts.Second == 60)
        {
            // A leap second is inserted at the end of a UTC day: 23:59:60Z, or that instant in local time.
            const int MinutesPerDay = 24 * 60;
            var utcMinuteOfDay = ((((parts.Hour * 60) + parts.Minute - parts.OffsetMinutes) % MinutesPerDay) + MinutesPerDay) % MinutesPerDay;
            if (utcMinuteOfDay != MinutesPerDay - 1)
            {
                return false;
            }
        }

        return true;
    }

    // Proleptic Gregorian, valid for year 0000 too (which DateTime.DaysInMonth refuses).
    private static int DaysInMonth(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    private struct Parts
    {
        public int Year;
        public int Month;
        public int Day;
        public int Hour;
        public int Minute;
        public int Second;
        public int FractionTicks;
        public int OffsetMinutes;
    }
}
