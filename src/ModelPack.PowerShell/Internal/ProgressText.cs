using System;
using System.Globalization;

namespace ModelPack.Internal;

/// <summary>How progress records word sizes, rates and percentages.</summary>
internal static class ProgressText
{
    private const double Kilobyte = 1024;
    private const double Megabyte = 1024 * 1024;
    private const double Gigabyte = 1024 * 1024 * 1024;

    public static string Size(long bytes) => bytes switch
    {
        >= (long)Gigabyte => (bytes / Gigabyte).ToString("N2", CultureInfo.CurrentCulture) + " GB",
        >= (long)Megabyte => (bytes / Megabyte).ToString("N1", CultureInfo.CurrentCulture) + " MB",
        >= (long)Kilobyte => (bytes / Kilobyte).ToString("N1", CultureInfo.CurrentCulture) + " KB",
        _ => bytes.ToString(CultureInfo.CurrentCulture) + " B",
    };

    public static string Rate(double bytesPerSecond) =>
        (bytesPerSecond / Megabyte).ToString("N1", CultureInfo.CurrentCulture) + " MB/s";

    /// <summary>0..100, or -1 when the total is unknown.</summary>
    public static int Percent(long done, long total) =>
        total <= 0 ? -1 : (int)Math.Max(0, Math.Min(100, done * 100 / total));

    /// <summary>The first 12 hex digits of a digest, as container engines show them.</summary>
    public static string ShortDigest(string digest)
    {
        var colon = digest.IndexOf(':');
        var hex = colon < 0 ? digest : digest.Substring(colon + 1);
        return hex.Length > 12 ? hex.Substring(0, 12) : hex;
    }
}
