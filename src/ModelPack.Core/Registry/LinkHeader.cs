using System;
using System.Collections.Generic;

namespace ModelPack.Core.Registry;

/// <summary>Finds the <c>rel="next"</c> target in RFC 8288 <c>Link</c> headers: <c>&lt;/v2/a/tags/list?last=x&amp;n=1&gt;; rel="next"</c>.</summary>
internal static class LinkHeader
{
    public static string? FindNext(IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            var pos = 0;
            while (pos < value.Length)
            {
                var open = value.IndexOf('<', pos);
                if (open < 0)
                {
                    break;
                }

                var close = value.IndexOf('>', open + 1);
                if (close < 0)
                {
                    break;
                }

                var target = value.Substring(open + 1, close - open - 1).Trim();
                var next = NextLinkStart(value, close + 1);
                var parameters = value.Substring(close + 1, next - close - 1);
                if (HasRelNext(parameters))
                {
                    return target;
                }

                pos = next;
            }
        }

        return null;
    }

    /// <summary>The index of the next '&lt;' that starts a link (outside quotes), or the end.</summary>
    private static int NextLinkStart(string value, int from)
    {
        var quoted = false;
        for (var i = from; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == '<' && !quoted)
            {
                return i;
            }
        }

        return value.Length;
    }

    private static bool HasRelNext(string parameters)
    {
        foreach (var part in parameters.Split(';'))
        {
            var eq = part.IndexOf('=');
            if (eq < 0)
            {
                continue;
            }

            var name = part.Substring(0, eq).Trim();
            var rel = part.Substring(eq + 1).Trim().Trim(',').Trim().Trim('"');
            if (string.Equals(name, "rel", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var r in rel.Split(' '))
                {
                    if (string.Equals(r, "next", StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
