using System;

namespace ModelPack.Core.Registry;

/// <summary>URLs as they may appear in messages and logs: no user info, no query string (upload state, signed tokens).</summary>
internal static class SafeUrl
{
    public static string Format(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
        {
            var text = uri.OriginalString;
            var q = text.IndexOf('?');
            return q >= 0 ? text.Substring(0, q) : text;
        }

        return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
    }

    public static string Format(string url) =>
        Uri.TryCreate(url, UriKind.RelativeOrAbsolute, out var uri) ? Format(uri) : "(invalid URL)";
}
