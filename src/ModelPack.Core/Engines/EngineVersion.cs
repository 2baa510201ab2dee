using System;
using System.Globalization;

namespace ModelPack.Core.Engines;

/// <summary>Reads engine version strings such as "4.3.1", "5.7.0-dev", "28.2.2+dfsg1" or "v5.1".</summary>
public static class EngineVersion
{
    /// <summary>The numeric part as major.minor.patch (missing parts are 0); false when it does not start with a number.</summary>
    public static bool TryParse(string? text, out Version version)
    {
        version = new Version(0, 0, 0);
        var value = text?.Trim() ?? string.Empty;
        if (value.StartsWith("v", StringComparison.OrdinalIgnoreCase))
        {
            value = value.Substring(1);
        }

        var end = 0;
        while (end < value.Length && (char.IsDigit(value[end]) || value[end] == '.'))
        {
            end++;
        }

        var parts = value.Substring(0, end).Split('.');
        var numbers = new int[3];
        var count = 0;
        foreach (var part in parts)
        {
            if (count == 3)
            {
                break;
            }

            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[count]))
            {
                // "" (nothing numeric, or "5..1") ends the version; only a leading number is required.
                if (count == 0)
                {
                    return false;
                }

                break;
            }

            count++;
        }

        version = new Version(numbers[0], numbers[1], numbers[2]);
        return true;
    }

    /// <summary>"5.7" for 5.7.0, "4.3.1" for 4.3.1: the shortest text that states the version.</summary>
    public static string Brief(Version version)
    {
        if (version is null)
        {
            throw new ArgumentNullException(nameof(version));
        }

        return version.Build > 0 ? version.ToString(3) : version.ToString(2);
    }
}
